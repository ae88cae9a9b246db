package dev.provisioning.infra;

import dev.provisioning.common.Deployment;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.dynamodb.ITable;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.sqs.IQueue;
import software.constructs.Construct;

/**
 * The provisioner: its least-privilege role, the function with SnapStart, its {@code live} alias and the SQS
 * event source mapping that invokes that alias with partial batch responses.
 */
final class Provisioner extends Construct {

    private static final String HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";

    /** What the provisioner works on, all owned by the stack. */
    record Resources(
            IQueue queue,
            IQueue deadLetterQueue,
            ITable table,
            List<String> senderIdentityArns,
            String configurationSetName,
            String configurationSetArn,
            Optional<ISecret> userServiceKey,
            ILogGroup logGroup) {}

    private final Role role;
    private final Function function;
    private final Alias alias;
    private final EventSourceMapping mapping;

    Provisioner(Construct scope, String id, StackSettings settings, Resources resources) {
        super(scope, id);
        role = LambdaParts.executionRole(this, "Role", "provisioner: accounts table, SES sender, queue, DLQ, metrics");
        grant(settings, resources);
        function = Function.Builder.create(this, "Function")
                .description("SQS batch: account in DynamoDB, welcome email via SES, partial batch response")
                .runtime(settings.javaRuntime().runtime())
                .handler(HANDLER)
                .code(Code.fromAsset(settings.provisionerJar().toString()))
                .memorySize(1024)
                .timeout(Duration.seconds(settings.provisionerTimeoutSeconds()))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(role)
                .logGroup(resources.logGroup())
                .environment(environment(settings, resources))
                .build();
        LambdaParts.ignoreRedundantRoleDependency(function);
        NagRules.notApplicable(
                function,
                "Serverless-LambdaDLQ",
                "The queue's event source mapping invokes synchronously; failed records reach the queue's own DLQ");
        NagRules.noTracing(function);
        alias = Alias.Builder.create(this, "Live")
                .aliasName(Deployment.LIVE_ALIAS)
                .version(function.getCurrentVersion())
                .build();
        // The mapping invokes the alias so SnapStart applies; it is not granted anything implicitly.
        mapping = EventSourceMapping.Builder.create(this, "QueueMapping")
                .target(alias)
                .eventSourceArn(resources.queue().getQueueArn())
                .batchSize(settings.batchSize())
                .maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()))
                .reportBatchItemFailures(true)
                .maxConcurrency(settings.maxConcurrency())
                .build();
        // CloudFormation validates the role's SQS permissions when it creates the mapping.
        mapping.getNode().addDependency(role);
        NagRules.notApplicable(
                mapping,
                "Serverless-LambdaEventSourceMappingDestination",
                "Lambda has on-failure destinations for stream and Kafka sources only; for SQS the queue's redrive"
                        + " policy (to the DLQ) is the failure destination");
    }

    private void grant(StackSettings settings, Resources resources) {
        role.addToPolicy(LambdaParts.allow(
                List.of("dynamodb:PutItem", "dynamodb:UpdateItem"),
                List.of(resources.table().getTableArn())));
        // SES authorises a send against the identity that verifies the sender (the address, its domain or a parent
        // domain); ses:FromAddress still pins the exact address, so a domain identity does not widen what we send as.
        // A send that names a configuration set is authorised against the set too.
        List<String> sendResources = new java.util.ArrayList<>(resources.senderIdentityArns());
        sendResources.add(resources.configurationSetArn());
        role.addToPolicy(LambdaParts.allowWhen(
                List.of("ses:SendEmail"), sendResources, "ses:FromAddress", settings.senderAddress()));
        // What the event source mapping needs, plus ChangeMessageVisibility for the handler's own backoff.
        role.addToPolicy(LambdaParts.allow(
                List.of(
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:ChangeMessageVisibility"),
                List.of(resources.queue().getQueueArn())));
        // Permanent failures go straight to the DLQ with their reason.
        role.addToPolicy(LambdaParts.allow(
                List.of("sqs:SendMessage"), List.of(resources.deadLetterQueue().getQueueArn())));
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        role.addToPolicy(LambdaParts.allowWhen(
                List.of("cloudwatch:PutMetricData"),
                List.of("*"),
                "cloudwatch:namespace",
                MetricNames.DEFAULT_NAMESPACE));
        NagRules.notApplicable(
                role.getNode().findChild("DefaultPolicy"),
                "AwsSolutions-IAM5",
                "Resource::*",
                "cloudwatch:PutMetricData has no resource-level permission; the cloudwatch:namespace condition scopes"
                        + " it to the pipeline's namespace");
        resources.logGroup().grantWrite(role);
        // The API key is readable by this role only; the function reads it once at init.
        resources.userServiceKey().ifPresent(key -> key.grantRead(role));
    }

    private static Map<String, String> environment(StackSettings settings, Resources resources) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(FunctionEnvironment.TABLE_NAME, resources.table().getTableName());
        env.put(FunctionEnvironment.SENDER_ADDRESS, settings.senderAddress());
        env.put(FunctionEnvironment.SES_CONFIGURATION_SET, resources.configurationSetName());
        env.put(FunctionEnvironment.QUEUE_URL, resources.queue().getQueueUrl());
        env.put(FunctionEnvironment.DLQ_URL, resources.deadLetterQueue().getQueueUrl());
        env.put(FunctionEnvironment.MAX_RECEIVE_COUNT, Integer.toString(Deployment.MAX_RECEIVE_COUNT));
        if (settings.userServiceUrl() != null) {
            env.put(FunctionEnvironment.USER_SERVICE_URL, settings.userServiceUrl());
        }
        resources
                .userServiceKey()
                .ifPresent(key -> env.put(FunctionEnvironment.USER_SERVICE_API_KEY_SECRET_ARN, key.getSecretArn()));
        // One record's deadline from the timeouts on its path (RecordBudget), checked against the timeout at synth
        // (StackSettings) and again by the function at start-up.
        env.put(
                FunctionEnvironment.AWS_API_CALL_TIMEOUT_MS,
                Long.toString(StackSettings.PROVISIONER_API_CALL_TIMEOUT.toMillis()));
        env.put(
                FunctionEnvironment.EMAIL_CLAIM_LEASE_SECONDS,
                Long.toString(StackSettings.PROVISIONER_EMAIL_CLAIM_LEASE.toSeconds()));
        env.put(
                FunctionEnvironment.RECORD_TIME_RESERVE_MS,
                Long.toString(settings.recordWorstCase().toMillis()));
        env.put(FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS, Integer.toString(settings.provisionerTimeoutSeconds()));
        env.put(FunctionEnvironment.BATCH_CONCURRENCY, Integer.toString(Deployment.BATCH_CONCURRENCY));
        env.put(FunctionEnvironment.BACKOFF_BASE_SECONDS, "2");
        env.put(FunctionEnvironment.BACKOFF_CAP_SECONDS, "300");
        env.put(FunctionEnvironment.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE);
        env.put(FunctionEnvironment.WELCOME_EMAIL_UNVERIFIED, settings.welcomeUnverifiedEmails() ? "send" : "skip");
        StackSettings.WelcomeEmail email = settings.welcomeEmail();
        putIfSet(env, FunctionEnvironment.WELCOME_EMAIL_PRODUCT_NAME, email.productName());
        putIfSet(env, FunctionEnvironment.WELCOME_EMAIL_SIGN_IN_URL, email.signInUrl());
        putIfSet(env, FunctionEnvironment.WELCOME_EMAIL_SUPPORT_URL, email.supportUrl());
        putIfSet(env, FunctionEnvironment.WELCOME_EMAIL_DEFAULT_LOCALE, email.defaultLocale());
        return env;
    }

    private static void putIfSet(Map<String, String> env, String name, String value) {
        if (value != null) {
            env.put(name, value);
        }
    }

    Role role() {
        return role;
    }

    Function function() {
        return function;
    }

    Alias alias() {
        return alias;
    }

    EventSourceMapping mapping() {
        return mapping;
    }
}
