package dev.provisioning.local;

import dev.provisioning.common.Deployment;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.chaos.Chaos;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.lambda.FunctionSpec;
import dev.provisioning.local.lambda.LocalLambdaHost;
import dev.provisioning.local.lifecycle.Closer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the two functions meet the local AWS: each one's environment (the resources it works on, the endpoints,
 * through a fault proxy per service when chaos is asked for) and its registration in the Lambda host. Every proxy
 * it starts is registered with the pipeline's {@link Closer}, in the order started.
 */
final class FunctionWiring {

    static final String TRIGGER_FUNCTION = "ingest-trigger";
    static final String PROVISIONER_FUNCTION = "provisioner";
    static final String TRIGGER_HANDLER = "dev.provisioning.trigger.PostConfirmationHandler::handleRequest";
    static final String PROVISIONER_HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";

    /** The trigger's instances: Cognito invokes it once per confirmation, as many at a time as users confirm. */
    static final int TRIGGER_CONCURRENCY = 2;

    /** How long a call injected with a timeout fault hangs before the proxy drops it. */
    private static final Duration TIMEOUT_FAULT = Duration.ofMillis(1500);

    private final LocalAws aws;
    private final PipelineResources resources;
    private final LocalLambdaHost lambda;
    private final Closer closer;
    private final List<FaultInjectingProxy> proxies = new ArrayList<>();

    FunctionWiring(LocalAws aws, PipelineResources resources, LocalLambdaHost lambda, Closer closer) {
        this.aws = aws;
        this.resources = resources;
        this.lambda = lambda;
        this.closer = closer;
    }

    /** The trigger: SendMessage to the queue, its SQS calls through a proxy under chaos. */
    void registerTrigger(HarnessPaths paths, Chaos chaos, Map<String, String> triggerEnvironment) {
        FaultInjectingProxy.Plan plan =
                new FaultInjectingProxy.Plan(chaos.faultRate(), chaos.lostAnswerRate(), 0, 0, TIMEOUT_FAULT, null);
        Map<String, String> environment = new HashMap<>(aws.environment());
        throughProxy(environment, "trigger", "SQS", plan);
        environment.put(FunctionEnvironment.QUEUE_URL, resources.queueUrl());
        environment.putAll(triggerEnvironment);
        lambda.register(FunctionSpec.builder(TRIGGER_FUNCTION, TRIGGER_HANDLER)
                .classpath(paths.triggerJar())
                .environment(environment)
                .timeout(Duration.ofSeconds(5))
                .memoryMb(512)
                .maxConcurrency(TRIGGER_CONCURRENCY)
                .build());
    }

    /** The provisioner: its SQS, DynamoDB and SES calls through proxies under chaos, which may also kill it. */
    void registerProvisioner(
            HarnessPaths paths,
            Chaos chaos,
            Duration timeout,
            Map<String, String> provisionerEnvironment,
            int maxConcurrency) {
        FaultInjectingProxy.Plan plan = new FaultInjectingProxy.Plan(
                chaos.faultRate(),
                chaos.lostAnswerRate(),
                chaos.crashRate(),
                0,
                TIMEOUT_FAULT,
                () -> lambda.killInstance(PROVISIONER_FUNCTION));
        Map<String, String> environment = new HashMap<>(aws.environment());
        for (String service : new String[] {"SQS", "DYNAMODB", "SES"}) {
            throughProxy(environment, "provisioner", service, plan);
        }
        environment.put(FunctionEnvironment.QUEUE_URL, resources.queueUrl());
        environment.put(FunctionEnvironment.DLQ_URL, resources.deadLetterQueueUrl());
        environment.put(FunctionEnvironment.MAX_RECEIVE_COUNT, Integer.toString(resources.maxReceiveCount()));
        environment.put(FunctionEnvironment.TABLE_NAME, resources.tableName());
        environment.put(FunctionEnvironment.SENDER_ADDRESS, resources.senderAddress());
        environment.put(FunctionEnvironment.SES_CONFIGURATION_SET, PipelineResources.CONFIGURATION_SET);
        environment.put(FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS, Long.toString(timeout.toSeconds()));
        environment.put(FunctionEnvironment.BATCH_CONCURRENCY, Integer.toString(Deployment.BATCH_CONCURRENCY));
        environment.putAll(provisionerEnvironment);
        lambda.register(FunctionSpec.builder(PROVISIONER_FUNCTION, PROVISIONER_HANDLER)
                .classpath(paths.provisionerJar())
                .environment(environment)
                .timeout(timeout)
                .memoryMb(512)
                .maxConcurrency(maxConcurrency)
                .build());
    }

    /** Where cognito-local invokes the trigger: the host, or a proxy that delivers some invocations twice. */
    URI triggerEndpoint(Chaos chaos) {
        if (chaos.duplicateRate() == 0) {
            return lambda.endpoint();
        }
        // Cognito retries a trigger whose answer it did not get: deliver some invocations twice.
        return proxy(
                        "cognito-retries",
                        lambda.endpoint(),
                        new FaultInjectingProxy.Plan(0, 0, 0, chaos.duplicateRate(), Duration.ZERO, null))
                .endpoint();
    }

    /** The fault proxies started so far; empty without chaos. */
    List<FaultInjectingProxy> proxies() {
        return List.copyOf(proxies);
    }

    /** Points one service of a function's environment at a fault proxy, when there are faults to inject. */
    private void throughProxy(
            Map<String, String> environment, String function, String service, FaultInjectingProxy.Plan plan) {
        if (plan.isNone()) {
            return;
        }
        String key = "AWS_ENDPOINT_URL_" + service;
        FaultInjectingProxy proxy =
                proxy(function + "-" + service.toLowerCase(Locale.ROOT), URI.create(environment.get(key)), plan);
        environment.put(key, proxy.endpoint().toString());
    }

    private FaultInjectingProxy proxy(String name, URI upstream, FaultInjectingProxy.Plan plan) {
        FaultInjectingProxy proxy = closer.register(FaultInjectingProxy.start(name, upstream, plan));
        proxies.add(proxy);
        return proxy;
    }
}
