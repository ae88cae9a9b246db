package dev.provisioning.infra;

import dev.provisioning.common.Deployment;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The PostConfirmation trigger: its role (SendMessage to the signup queue, nothing else), the function with
 * SnapStart, and the {@code live} alias that Cognito invokes. Who may invoke it is the stack's business: it
 * depends on whether the pool is created or imported.
 */
final class IngestTrigger extends Construct {

    /** Trigger timeout: Cognito waits 5 s in total for a trigger, so leave room for its own overhead. */
    static final Duration TIMEOUT = Duration.seconds(4);

    private static final String HANDLER = "dev.provisioning.trigger.PostConfirmationHandler::handleRequest";

    private final Role role;
    private final Function function;
    private final Alias alias;

    IngestTrigger(Construct scope, String id, StackSettings settings, IQueue queue, ILogGroup logGroup) {
        super(scope, id);
        role = LambdaParts.executionRole(
                this,
                "Role",
                "ingest-trigger: SendMessage to the signup queue (GetQueueAttributes to prime), nothing else");
        // GetQueueAttributes: TriggerRuntime.prime() reads the queue's ARN at init and before the SnapStart checkpoint,
        // so the snapshot holds a loaded request path; denied, every cold start pays that on the 5 s budget instead.
        role.addToPolicy(
                LambdaParts.allow(List.of("sqs:SendMessage", "sqs:GetQueueAttributes"), List.of(queue.getQueueArn())));
        logGroup.grantWrite(role);
        function = Function.Builder.create(this, "Function")
                .description("Cognito PostConfirmation: one SendMessage, returns the event")
                .runtime(settings.javaRuntime().runtime())
                .handler(HANDLER)
                .code(Code.fromAsset(settings.triggerJar().toString()))
                .memorySize(1024)
                .timeout(TIMEOUT)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(role)
                .logGroup(logGroup)
                .environment(Map.of(
                        FunctionEnvironment.QUEUE_URL, queue.getQueueUrl(),
                        FunctionEnvironment.ENQUEUE_FAILURE_POLICY,
                                settings.enqueueFailurePolicy().name(),
                        FunctionEnvironment.ENQUEUE_TIMEOUT_MS, Integer.toString(settings.enqueueTimeoutMs()),
                        FunctionEnvironment.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE))
                .build();
        LambdaParts.ignoreRedundantRoleDependency(function);
        NagRules.notApplicable(
                function,
                "Serverless-LambdaDLQ",
                "Cognito invokes the trigger synchronously; a DeadLetterConfig receives failed asynchronous invokes only");
        NagRules.noTracing(function);
        alias = Alias.Builder.create(this, "Live")
                .aliasName(Deployment.LIVE_ALIAS)
                .version(function.getCurrentVersion())
                .build();
    }

    Role role() {
        return role;
    }

    Function function() {
        return function;
    }

    /** The {@code live} alias: what Cognito invokes and what the invoke permission names. */
    Alias alias() {
        return alias;
    }
}
