package dev.provisioning.local;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.Deployment;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.cognito.CognitoLocal;
import dev.provisioning.local.cognito.CognitoLocalClient;
import dev.provisioning.local.esm.SqsEventSourceMapping;
import dev.provisioning.local.lambda.FunctionSpec;
import dev.provisioning.local.lambda.InvocationResult;
import dev.provisioning.local.lambda.LocalLambdaHost;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The whole pipeline on one machine: the local AWS, both functions in the local Lambda host, the
 * SQS event source mapping, and cognito-local with its PostConfirmation trigger pointed at the
 * host. Tests and {@code ./pipeline local} both start it through here; {@link #close()} stops
 * everything it started, in reverse order, also after a partial start.
 */
public final class LocalPipeline implements AutoCloseable {

    public static final String TRIGGER_FUNCTION = "ingest-trigger";
    public static final String PROVISIONER_FUNCTION = "provisioner";
    static final String TRIGGER_HANDLER = "dev.provisioning.trigger.PostConfirmationHandler::handleRequest";
    static final String PROVISIONER_HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";

    /**
     * How to run the pipeline; the defaults mirror the infra stack at a smaller scale.
     *
     * @param batchSize records per provisioner invocation
     * @param batchingWindow how long the mapping gathers records
     * @param maxConcurrency provisioner instances and pollers
     * @param visibilityTimeout the queue's visibility timeout (at least 6x the provisioner timeout in AWS)
     * @param provisionerTimeout the provisioner's function timeout
     * @param provisionerEnvironment extra variables for the provisioner (e.g. backoff settings)
     * @param triggerEnvironment extra variables for the trigger
     * @param chaos the faults to inject into the functions' calls
     * @param log where every component's output goes
     */
    public record Options(
            int batchSize,
            Duration batchingWindow,
            int maxConcurrency,
            Duration visibilityTimeout,
            Duration provisionerTimeout,
            Map<String, String> provisionerEnvironment,
            Map<String, String> triggerEnvironment,
            Chaos chaos,
            Consumer<String> log) {

        /** The local provisioner's timeout: one record of the harness's timeouts (RecordBudget) and the margin. */
        static final Duration LOCAL_PROVISIONER_TIMEOUT = Duration.ofSeconds(25);

        public static Options defaults(Consumer<String> log) {
            return new Options(
                    10,
                    Duration.ofMillis(200),
                    2,
                    Duration.ofSeconds(30),
                    LOCAL_PROVISIONER_TIMEOUT,
                    Map.of(
                            FunctionEnvironment.BACKOFF_BASE_SECONDS, "1",
                            FunctionEnvironment.BACKOFF_CAP_SECONDS, "5",
                            // Longer than one SES call can take (one attempt of AWS_API_CALL_TIMEOUT_MS).
                            FunctionEnvironment.EMAIL_CLAIM_LEASE_SECONDS, "8",
                            FunctionEnvironment.AWS_API_CALL_TIMEOUT_MS, "3000",
                            // The provisioner derives its record reserve from these (RecordBudget: 13 s) and
                            // checks at start-up that its timeout (FUNCTION_TIMEOUT_SECONDS) holds one record;
                            // the 25 s timeout leaves 12 s of every invocation to start records in, so few are
                            // deferred (a deferral costs the record one of its receives).
                            FunctionEnvironment.AWS_API_CALL_ATTEMPT_TIMEOUT_MS, "1000"),
                    Map.of(),
                    Chaos.NONE,
                    log);
        }

        public Options withChaos(Chaos chaos) {
            return new Options(
                    batchSize,
                    batchingWindow,
                    maxConcurrency,
                    visibilityTimeout,
                    provisionerTimeout,
                    provisionerEnvironment,
                    triggerEnvironment,
                    chaos,
                    log);
        }

        public Options withProvisionerEnvironment(Map<String, String> environment) {
            Map<String, String> merged = new HashMap<>(provisionerEnvironment);
            merged.putAll(environment);
            return new Options(
                    batchSize,
                    batchingWindow,
                    maxConcurrency,
                    visibilityTimeout,
                    provisionerTimeout,
                    merged,
                    triggerEnvironment,
                    chaos,
                    log);
        }

        public Options withProvisionerTimeout(Duration timeout) {
            return new Options(
                    batchSize,
                    batchingWindow,
                    maxConcurrency,
                    visibilityTimeout,
                    timeout,
                    provisionerEnvironment,
                    triggerEnvironment,
                    chaos,
                    log);
        }

        public Options withMaxConcurrency(int concurrency) {
            return new Options(
                    batchSize,
                    batchingWindow,
                    concurrency,
                    visibilityTimeout,
                    provisionerTimeout,
                    provisionerEnvironment,
                    triggerEnvironment,
                    chaos,
                    log);
        }
    }

    /**
     * Faults injected into the functions' calls (never into the harness's own reads).
     *
     * @param faultRate fraction of the functions' AWS calls that fail (throttling, 500, timeout, reset)
     * @param lostAnswerRate fraction of the functions' AWS calls that the service performs but whose answer is lost
     * @param crashRate fraction of the provisioner's AWS calls after which its process is killed
     * @param duplicateRate fraction of Cognito's trigger invocations delivered twice
     */
    public record Chaos(double faultRate, double lostAnswerRate, double crashRate, double duplicateRate) {

        public static final Chaos NONE = new Chaos(0, 0, 0, 0);

        public Chaos {
            for (double rate : new double[] {faultRate, lostAnswerRate, crashRate, duplicateRate}) {
                if (rate < 0 || rate > 1) {
                    throw new IllegalArgumentException("Fault rates are fractions in [0, 1], got " + rate);
                }
            }
        }
    }

    private final List<AutoCloseable> started = new ArrayList<>();
    private LocalAws aws;
    private PipelineResources resources;
    private LocalLambdaHost lambda;
    private SqsEventSourceMapping mapping;
    private CognitoLocal cognito;
    private CognitoLocalClient cognitoClient;
    private CognitoLocalClient.UserPool userPool;
    private final List<FaultInjectingProxy> proxies = new ArrayList<>();

    private LocalPipeline() {}

    public static LocalPipeline start(Settings settings, HarnessPaths paths, Options options) {
        LocalPipeline pipeline = new LocalPipeline();
        try {
            pipeline.startAll(settings, paths, options);
            return pipeline;
        } catch (RuntimeException | Error e) {
            pipeline.close();
            throw e;
        }
    }

    private void startAll(Settings settings, HarnessPaths paths, Options options) {
        Consumer<String> log = options.log();
        aws = track(LocalAws.start(settings, log));
        resources = PipelineResources.create(
                aws, PipelineResources.Spec.defaults().withVisibilityTimeout(options.visibilityTimeout()));
        lambda = track(LocalLambdaHost.builder()
                .logSink(log)
                .region(LocalAws.REGION)
                .accountId(LocalAws.ACCOUNT_ID)
                .start());

        Chaos chaos = options.chaos();
        Duration timeoutFault = Duration.ofMillis(1500);
        FaultInjectingProxy.Plan triggerPlan =
                new FaultInjectingProxy.Plan(chaos.faultRate(), chaos.lostAnswerRate(), 0, 0, timeoutFault, null);
        FaultInjectingProxy.Plan provisionerPlan = new FaultInjectingProxy.Plan(
                chaos.faultRate(),
                chaos.lostAnswerRate(),
                chaos.crashRate(),
                0,
                timeoutFault,
                () -> lambda.killInstance(PROVISIONER_FUNCTION));

        Map<String, String> triggerEnv = new HashMap<>(aws.environment());
        throughProxy(triggerEnv, "trigger", "SQS", triggerPlan);
        triggerEnv.put(FunctionEnvironment.QUEUE_URL, resources.queueUrl());
        triggerEnv.putAll(options.triggerEnvironment());
        lambda.register(FunctionSpec.builder(TRIGGER_FUNCTION, TRIGGER_HANDLER)
                .classpath(paths.triggerJar())
                .environment(triggerEnv)
                .timeout(Duration.ofSeconds(5))
                .memoryMb(512)
                .maxConcurrency(2)
                .build());

        Map<String, String> provisionerEnv = new HashMap<>(aws.environment());
        for (String service : new String[] {"SQS", "DYNAMODB", "SES"}) {
            throughProxy(provisionerEnv, "provisioner", service, provisionerPlan);
        }
        provisionerEnv.put(FunctionEnvironment.QUEUE_URL, resources.queueUrl());
        provisionerEnv.put(FunctionEnvironment.DLQ_URL, resources.deadLetterQueueUrl());
        provisionerEnv.put(FunctionEnvironment.MAX_RECEIVE_COUNT, Integer.toString(resources.maxReceiveCount()));
        provisionerEnv.put(FunctionEnvironment.TABLE_NAME, resources.tableName());
        provisionerEnv.put(FunctionEnvironment.SENDER_ADDRESS, resources.senderAddress());
        provisionerEnv.put(
                FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS,
                Long.toString(options.provisionerTimeout().toSeconds()));
        provisionerEnv.put(FunctionEnvironment.BATCH_CONCURRENCY, Integer.toString(Deployment.BATCH_CONCURRENCY));
        provisionerEnv.putAll(options.provisionerEnvironment());
        lambda.register(FunctionSpec.builder(PROVISIONER_FUNCTION, PROVISIONER_HANDLER)
                .classpath(paths.provisionerJar())
                .environment(provisionerEnv)
                .timeout(options.provisionerTimeout())
                .memoryMb(512)
                .maxConcurrency(options.maxConcurrency())
                .build());

        mapping = track(SqsEventSourceMapping.start(
                aws.sqs(),
                new SqsEventSourceMapping.Settings(
                        resources.queueUrl(),
                        resources.queueArn(),
                        LocalAws.REGION,
                        options.batchSize(),
                        options.batchingWindow(),
                        Math.max(2, options.maxConcurrency())),
                event -> {
                    InvocationResult result = invokeProvisioner(event);
                    return new SqsEventSourceMapping.Outcome(result.payload(), result.functionError());
                },
                log));

        URI triggerEndpoint = lambda.endpoint();
        if (chaos.duplicateRate() > 0) {
            // Cognito retries a trigger whose answer it did not get: deliver some invocations twice.
            triggerEndpoint = proxy(
                            "cognito-retries",
                            lambda.endpoint(),
                            new FaultInjectingProxy.Plan(0, 0, 0, chaos.duplicateRate(), Duration.ZERO, null))
                    .endpoint();
        }
        cognito = track(CognitoLocal.start(new CognitoLocal.Options(
                triggerEndpoint, TRIGGER_FUNCTION, LocalAws.REGION, log, paths.localstackDir())));
        cognitoClient = track(cognito.newClient());
        userPool = cognitoClient.createUserPool("local-pipeline");
    }

    /** Points one service of a function's environment at a fault proxy, when there are faults to inject. */
    private void throughProxy(
            Map<String, String> environment, String function, String service, FaultInjectingProxy.Plan plan) {
        if (plan.isNone()) {
            return;
        }
        String key = "AWS_ENDPOINT_URL_" + service;
        FaultInjectingProxy proxy = proxy(
                function + "-" + service.toLowerCase(java.util.Locale.ROOT), URI.create(environment.get(key)), plan);
        environment.put(key, proxy.endpoint().toString());
    }

    private FaultInjectingProxy proxy(String name, URI upstream, FaultInjectingProxy.Plan plan) {
        FaultInjectingProxy proxy = track(FaultInjectingProxy.start(name, upstream, plan));
        proxies.add(proxy);
        return proxy;
    }

    /** The fault proxies in front of the functions' endpoints; empty without chaos. */
    public List<FaultInjectingProxy> proxies() {
        return List.copyOf(proxies);
    }

    private InvocationResult invokeProvisioner(byte[] event) {
        try {
            return lambda.invoke(PROVISIONER_FUNCTION, event);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while invoking the provisioner", e);
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        started.add(resource);
        return resource;
    }

    public LocalAws aws() {
        return aws;
    }

    public PipelineResources resources() {
        return resources;
    }

    public LocalLambdaHost lambda() {
        return lambda;
    }

    public SqsEventSourceMapping mapping() {
        return mapping;
    }

    public CognitoLocal cognito() {
        return cognito;
    }

    public CognitoLocalClient cognitoClient() {
        return cognitoClient;
    }

    public CognitoLocalClient.UserPool userPool() {
        return userPool;
    }

    /** The account item of a user of this pipeline's pool, read consistently; empty when there is none. */
    public Optional<Map<String, AttributeValue>> account(String sub) {
        Map<String, AttributeValue> item = aws.dynamoDb()
                .getItem(b -> b.tableName(resources.tableName())
                        .consistentRead(true)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(AccountItem.key(userPool.poolId(), sub)))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    /** Whether the user's account records its welcome email as sent. */
    public boolean welcomeEmailSent(String sub) {
        return account(sub)
                .map(item -> item.get(AccountItem.EMAIL_STATE))
                .map(state -> AccountItem.EmailState.SENT.name().equals(state.s()))
                .orElse(false);
    }

    /** The emails moto's SES accepted for one address. */
    public List<MotoServer.SentEmail> emailsTo(String address) {
        return aws.moto().sentEmails().stream()
                .filter(email -> email.to().contains(address))
                .toList();
    }

    /** Messages on the main queue, visible and in flight. */
    public long queueDepth() {
        Map<QueueAttributeName, String> attributes = aws.sqs()
                .getQueueAttributes(b -> b.queueUrl(resources.queueUrl())
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    /**
     * Waits until the main queue is empty (every message deleted or moved to the DLQ).
     *
     * @param progress called about once a second with the current depth
     * @return whether the queue drained before the timeout
     */
    public boolean awaitDrained(Duration timeout, java.util.function.LongConsumer progress) {
        Instant deadline = Instant.now().plus(timeout);
        int emptyReads = 0;
        while (Instant.now().isBefore(deadline)) {
            long depth = queueDepth();
            progress.accept(depth);
            // Two empty reads in a row: nothing was between a receive and its delete.
            emptyReads = depth == 0 ? emptyReads + 1 : 0;
            if (emptyReads >= 2) {
                return true;
            }
            try {
                Thread.sleep(depth == 0 ? 300 : 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop every part of the local pipeline", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        started.clear();
        if (failure != null) {
            throw failure;
        }
    }
}
