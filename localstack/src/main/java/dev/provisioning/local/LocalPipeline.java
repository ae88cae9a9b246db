package dev.provisioning.local;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.chaos.Chaos;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.cognito.CognitoLocal;
import dev.provisioning.local.cognito.CognitoLocalClient;
import dev.provisioning.local.esm.SqsEventSourceMapping;
import dev.provisioning.local.lambda.InvocationResult;
import dev.provisioning.local.lambda.LocalLambdaHost;
import dev.provisioning.local.lifecycle.Closer;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
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

    public static final String TRIGGER_FUNCTION = FunctionWiring.TRIGGER_FUNCTION;
    public static final String PROVISIONER_FUNCTION = FunctionWiring.PROVISIONER_FUNCTION;

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
     * @param signUps how confirmations reach the trigger: through cognito-local, or as PostConfirmation events on the
     *     Lambda host's Invoke API (no cognito-local started)
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
            SignUps signUps,
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
                    SignUps.COGNITO_LOCAL,
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
                    signUps,
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
                    signUps,
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
                    signUps,
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
                    signUps,
                    log);
        }

        public Options withSignUps(SignUps how) {
            return new Options(
                    batchSize,
                    batchingWindow,
                    maxConcurrency,
                    visibilityTimeout,
                    provisionerTimeout,
                    provisionerEnvironment,
                    triggerEnvironment,
                    chaos,
                    how,
                    log);
        }
    }

    /**
     * How confirmations reach the trigger. cognito-local signs users up and invokes the trigger as Cognito does, but
     * rewrites its pool's JSON file on every operation, so its cost per sign-up grows with the pool; for thousands of
     * sign-ups the harness sends the trigger Cognito's PostConfirmation events itself, on the Lambda host's Invoke API
     * (the endpoint cognito-local calls), for users of a pool that exists only in those events ({@link #poolId()}).
     */
    public enum SignUps {
        COGNITO_LOCAL,
        INVOKE_API
    }

    /** The user pool id of the events sent on the Invoke API (Cognito's format: region, underscore, nine characters). */
    public static final String INVOKE_API_POOL_ID = LocalAws.REGION + "_InvokeApi";

    private final Closer closer = new Closer("every part of the local pipeline");
    private LocalAws aws;
    private PipelineResources resources;
    private LocalLambdaHost lambda;
    private SqsEventSourceMapping mapping;
    private CognitoLocal cognito;
    private CognitoLocalClient cognitoClient;
    private CognitoLocalClient.UserPool userPool;
    private FunctionWiring wiring;
    private Options options;
    private final AtomicInteger usersSignedUp = new AtomicInteger();

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
        this.options = options;
        Consumer<String> log = options.log();
        aws = track(LocalAws.start(settings, log));
        resources = PipelineResources.create(
                aws, PipelineResources.Spec.defaults().withVisibilityTimeout(options.visibilityTimeout()));
        lambda = track(LocalLambdaHost.builder()
                .logSink(log)
                .region(LocalAws.REGION)
                .accountId(LocalAws.ACCOUNT_ID)
                .start());

        wiring = new FunctionWiring(aws, resources, lambda, closer);
        wiring.registerTrigger(paths, options.chaos(), options.triggerEnvironment());
        wiring.registerProvisioner(
                paths,
                options.chaos(),
                options.provisionerTimeout(),
                options.provisionerEnvironment(),
                options.maxConcurrency());
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
        if (options.signUps() == SignUps.INVOKE_API) {
            return;
        }
        cognito = track(CognitoLocal.start(new CognitoLocal.Options(
                wiring.triggerEndpoint(options.chaos()),
                TRIGGER_FUNCTION,
                LocalAws.REGION,
                log,
                paths.localstackDir())));
        cognitoClient = track(cognito.newClient());
        userPool = cognitoClient.createUserPool("local-pipeline");
    }

    /** The fault proxies in front of the functions' endpoints; empty without chaos. */
    public List<FaultInjectingProxy> proxies() {
        return wiring == null ? List.of() : wiring.proxies();
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
        return closer.register(resource);
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

    public Options options() {
        return options;
    }

    /** The pool the run's users belong to: cognito-local's, or {@link #INVOKE_API_POOL_ID} without cognito-local. */
    public String poolId() {
        return userPool == null ? INVOKE_API_POOL_ID : userPool.poolId();
    }

    /**
     * Reserves numbers for {@code count} new users of this pipeline (their addresses and names derive from them),
     * so that every run on one pipeline signs up users of its own.
     *
     * @return the first of the reserved numbers, from 1
     */
    int reserveUsers(int count) {
        return usersSignedUp.getAndAdd(count) + 1;
    }

    /** cognito-local, or null when confirmations go to the trigger on the Invoke API ({@link SignUps#INVOKE_API}). */
    public CognitoLocal cognito() {
        return cognito;
    }

    /** cognito-local's client, or null without cognito-local ({@link SignUps#INVOKE_API}). */
    public CognitoLocalClient cognitoClient() {
        return cognitoClient;
    }

    /** cognito-local's pool, or null without cognito-local ({@link SignUps#INVOKE_API}); see {@link #poolId()}. */
    public CognitoLocalClient.UserPool userPool() {
        return userPool;
    }

    /** The account item of a user of this pipeline's pool, read consistently; empty when there is none. */
    public Optional<Map<String, AttributeValue>> account(String sub) {
        Map<String, AttributeValue> item = aws.dynamoDb()
                .getItem(b -> b.tableName(resources.tableName())
                        .consistentRead(true)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(AccountItem.key(poolId(), sub)))))
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
        closer.close();
    }
}
