package dev.provisioning.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.common.SqsBatches;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.esm.SqsEvents;
import dev.provisioning.local.lambda.FunctionMetrics;
import dev.provisioning.local.lambda.FunctionSpec;
import dev.provisioning.local.lambda.InvocationResult;
import dev.provisioning.local.lambda.LocalLambdaHost;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The provisioner's throughput benchmark ({@code ./pipeline bench throughput}): N queued confirmations provisioned by
 * the provisioner's deployable jar in the local Lambda host, with a latency added to every DynamoDB and SES call by
 * {@link FaultInjectingProxy} (the network to a regional endpoint; the emulators answer on loopback), once per batch
 * concurrency ({@code BATCH_CONCURRENCY}), in the same run. Batches are received and deleted as Lambda's event source
 * mapping does ({@code ReportBatchItemFailures}), one invocation at a time on one warm instance, so that the figures
 * are one instance's: accounts per second of wall time, and billed duration (the invocations' durations, each rounded
 * up to the millisecond as Lambda bills) as GB-seconds per 1,000 sign-ups at the function's memory size. Owns every
 * emulator, proxy and sandbox it starts, and stops them before returning.
 */
public final class ThroughputBench {

    private static final String HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";
    private static final String POOL = "us-east-1_Bench0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ThroughputOptions options;
    private final PrintStream out;
    private java.util.Deque<String> recentLog = new java.util.ArrayDeque<>();

    private ThroughputBench(ThroughputOptions options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        ThroughputOptions options = ThroughputOptions.parse(args);
        ThroughputResult result = run(options, System.err);
        System.out.println(result.line());
    }

    /** Runs the benchmark; progress and the table go to {@code out}. */
    public static ThroughputResult run(ThroughputOptions options, PrintStream out) throws Exception {
        return new ThroughputBench(options, out).measure();
    }

    private ThroughputResult measure() throws Exception {
        // Component logs are kept for a failure's report only.
        java.util.Deque<String> recent = new java.util.concurrent.ConcurrentLinkedDeque<>();
        Consumer<String> quiet = line -> {
            recent.addLast(line);
            if (recent.size() > 40) {
                recent.pollFirst();
            }
        };
        this.recentLog = recent;
        LocalPipeline.Options harness = LocalPipeline.Options.defaults(quiet);
        HarnessPaths paths = HarnessPaths.discover();
        try (LocalAws aws = LocalAws.start(Settings.fromEnvironment(), quiet);
                FaultInjectingProxy dynamoDb = FaultInjectingProxy.start(
                        "dynamodb", aws.dynamoDbEndpoint(), FaultInjectingProxy.Plan.latency(options.latency()));
                FaultInjectingProxy ses = FaultInjectingProxy.start(
                        "ses",
                        URI.create(aws.environment().get("AWS_ENDPOINT_URL_SES")),
                        FaultInjectingProxy.Plan.latency(options.latency()));
                LocalLambdaHost lambda = LocalLambdaHost.builder()
                        .logSink(quiet)
                        .region(LocalAws.REGION)
                        .accountId(LocalAws.ACCOUNT_ID)
                        .start()) {
            PipelineResources resources = PipelineResources.create(aws, PipelineResources.Spec.defaults());
            register(lambda, aws, resources, harness, paths, dynamoDb, ses);
            out.printf(
                    Locale.ROOT,
                    "throughput: %d sign-ups per pass, %d pass(es) per concurrency %s, +%d ms on every DynamoDB"
                            + " and SES call, batches of %d%n",
                    options.users(),
                    options.runs(),
                    options.concurrencies(),
                    options.latency().toMillis(),
                    options.batchSize());
            // Warm every function up first: a cold start is not what this measures.
            for (int concurrency : options.concurrencies()) {
                pass(aws.sqs(), resources, lambda, concurrency, Math.min(options.users(), 2 * options.batchSize()));
            }
            Map<Integer, List<ThroughputResult.Pass>> passes = measuredPasses(aws.sqs(), resources, lambda);
            ThroughputResult result =
                    new ThroughputResult(options, passes, BenchmarksPage.machine(), BenchmarksPage.jdk());
            String table = ThroughputReport.markdown(result);
            out.println();
            out.println(table);
            if (options.markdown() != null) {
                BenchmarksPage.appendToSection(
                        options.markdown(), ThroughputReport.HEADING, ThroughputReport.INTRO, table);
            }
            return result;
        }
    }

    /** One function per concurrency, the provisioner's jar with the local pipeline's settings, its calls proxied. */
    private void register(
            LocalLambdaHost lambda,
            LocalAws aws,
            PipelineResources resources,
            LocalPipeline.Options harness,
            HarnessPaths paths,
            FaultInjectingProxy dynamoDb,
            FaultInjectingProxy ses) {
        // The local pipeline's provisioner settings (timeouts, backoff), which its timeout is checked against.
        Map<String, String> env = new HashMap<>(aws.environment());
        env.putAll(harness.provisionerEnvironment());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDb.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SES", ses.endpoint().toString());
        env.put(FunctionEnvironment.QUEUE_URL, resources.queueUrl());
        env.put(FunctionEnvironment.DLQ_URL, resources.deadLetterQueueUrl());
        env.put(FunctionEnvironment.MAX_RECEIVE_COUNT, Integer.toString(resources.maxReceiveCount()));
        env.put(FunctionEnvironment.TABLE_NAME, resources.tableName());
        env.put(FunctionEnvironment.SENDER_ADDRESS, resources.senderAddress());
        env.put(
                FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS,
                Long.toString(harness.provisionerTimeout().toSeconds()));
        env.put(FunctionEnvironment.LOG_LEVEL, "WARN");
        for (int concurrency : options.concurrencies()) {
            Map<String, String> functionEnv = new HashMap<>(env);
            functionEnv.put(FunctionEnvironment.BATCH_CONCURRENCY, Integer.toString(concurrency));
            lambda.register(FunctionSpec.builder(function(concurrency), HANDLER)
                    .classpath(paths.provisionerJar())
                    .environment(functionEnv)
                    .timeout(harness.provisionerTimeout())
                    .memoryMb(options.memoryMb())
                    .maxConcurrency(1)
                    .build());
        }
    }

    /** The measured passes, every concurrency once per run, in alternating order. */
    private Map<Integer, List<ThroughputResult.Pass>> measuredPasses(
            SqsClient sqs, PipelineResources resources, LocalLambdaHost lambda) throws InterruptedException {
        Map<Integer, List<ThroughputResult.Pass>> passes = new LinkedHashMap<>();
        options.concurrencies().forEach(c -> passes.put(c, new ArrayList<>()));
        for (int run = 0; run < options.runs(); run++) {
            // Alternate the order, so that neither side always runs on a warmer emulator.
            List<Integer> order = new ArrayList<>(options.concurrencies());
            if (run % 2 != 0) {
                java.util.Collections.reverse(order);
            }
            for (int concurrency : order) {
                ThroughputResult.Pass pass = pass(sqs, resources, lambda, concurrency, options.users());
                passes.get(concurrency).add(pass);
                out.printf(
                        Locale.ROOT,
                        "  run %d concurrency %2d: %7.1f accounts/s, billed %6d ms in %d invocations%s%n",
                        run + 1,
                        concurrency,
                        pass.accountsPerSecond(),
                        pass.billedMillis(),
                        pass.invocations(),
                        pass.failures() == 0 ? "" : ", " + pass.failures() + " records failed");
            }
        }
        return passes;
    }

    private static String function(int concurrency) {
        return "provisioner-c" + concurrency;
    }

    /**
     * Queues {@code users} confirmations, then receives them in batches and invokes the function with each, deleting
     * what it did not report, until every one is provisioned.
     */
    private ThroughputResult.Pass pass(
            SqsClient sqs, PipelineResources resources, LocalLambdaHost lambda, int concurrency, int users)
            throws InterruptedException {
        enqueue(sqs, resources.queueUrl(), users);
        Set<String> done = new HashSet<>();
        FunctionMetrics before = lambda.metrics(function(concurrency));
        int invocations = 0;
        int failures = 0;
        Instant start = Instant.now();
        Instant deadline = start.plus(Duration.ofMinutes(10));
        while (done.size() < users) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("only " + done.size() + " of " + users + " provisioned in 10 minutes");
            }
            List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(resources.queueUrl())
                            .maxNumberOfMessages(options.batchSize())
                            .waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                continue;
            }
            InvocationResult result =
                    lambda.invoke(function(concurrency), SqsEvents.of(batch, resources.queueArn(), LocalAws.REGION));
            invocations++;
            if (result.functionError()) {
                recentLog.forEach(out::println);
                throw new IllegalStateException("The provisioner failed: " + result.payloadUtf8());
            }
            Set<String> failed = failedIds(result);
            failures += failed.size();
            List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
            for (Message message : batch) {
                if (!failed.contains(message.messageId())) {
                    done.add(message.messageId());
                    deletes.add(DeleteMessageBatchRequestEntry.builder()
                            .id(Integer.toString(deletes.size()))
                            .receiptHandle(message.receiptHandle())
                            .build());
                }
            }
            if (!deletes.isEmpty()) {
                sqs.deleteMessageBatch(b -> b.queueUrl(resources.queueUrl()).entries(deletes));
            }
        }
        Duration wall = Duration.between(start, Instant.now());
        // Billed as the host bills it: each invocation's time in its instance, rounded up to the millisecond.
        long billed = lambda.metrics(function(concurrency)).since(before).billedMillis();
        return new ThroughputResult.Pass(concurrency, users, wall, billed, invocations, failures);
    }

    private static Set<String> failedIds(InvocationResult result) {
        try {
            Set<String> ids = new HashSet<>();
            for (JsonNode failure : JSON.readTree(result.payload()).path("batchItemFailures")) {
                ids.add(failure.path("itemIdentifier").asText());
            }
            return ids;
        } catch (IOException e) {
            throw new UncheckedIOException("Unreadable batch response: " + result.payloadUtf8(), e);
        }
    }

    private static void enqueue(SqsClient sqs, String queueUrl, int users) {
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String sub = UUID.randomUUID().toString();
            UserConfirmed message = new UserConfirmed(
                    UserConfirmed.SCHEMA_VERSION,
                    UUID.randomUUID().toString(),
                    UserConfirmed.idempotencyKey(POOL, sub),
                    POOL,
                    "user-" + sub,
                    sub,
                    "user-" + sub + "@example.com",
                    true,
                    "Bench User",
                    "PostConfirmation_ConfirmSignUp",
                    Instant.now(),
                    LocalAws.REGION,
                    "bench-client",
                    Map.of());
            entries.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(entries.size() % SqsBatches.MAX_ENTRIES))
                    .messageBody(codec.encode(message))
                    .build());
        }
        for (List<SendMessageBatchRequestEntry> chunk : SqsBatches.partition(entries)) {
            sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
        }
    }
}
