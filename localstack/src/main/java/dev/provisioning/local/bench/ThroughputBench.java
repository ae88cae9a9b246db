package dev.provisioning.local.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.esm.SqsEvents;
import dev.provisioning.local.lambda.FunctionSpec;
import dev.provisioning.local.lambda.InvocationResult;
import dev.provisioning.local.lambda.LocalLambdaHost;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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

    /** The provisioner's memory in infra ({@code Provisioner}: {@code memorySize(1024)}); {@code --memory-mb}. */
    static final int FUNCTION_MEMORY_MB = 1024;

    private static final String HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";
    private static final String POOL = "us-east-1_Bench0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How much to measure.
     *
     * @param users confirmations per measured pass
     * @param runs passes per concurrency (medians over them)
     * @param latency added to every DynamoDB and SES call
     * @param batchSize records per invocation (the event source mapping's batch size)
     * @param concurrencies the values of {@code BATCH_CONCURRENCY} measured; the first is the baseline, the last the
     *     concurrent side of the ratio
     * @param memoryMb the function's memory size, for GB-seconds
     * @param markdown where to append the table, or null
     * @param command the command line, as written in the table
     */
    public record Options(
            int users,
            int runs,
            Duration latency,
            int batchSize,
            List<Integer> concurrencies,
            int memoryMb,
            Path markdown,
            String command) {

        public Options {
            if (users < batchSize || runs < 1 || batchSize < 1 || batchSize > 10 || concurrencies.size() < 2) {
                throw new IllegalArgumentException("users >= batchSize, runs >= 1, batchSize 1-10 and at least two"
                        + " concurrencies are needed, got users=" + users + " runs=" + runs + " batchSize=" + batchSize
                        + " concurrencies=" + concurrencies);
            }
            concurrencies = List.copyOf(concurrencies);
        }

        static Options parse(String[] args) {
            Map<String, String> values = new HashMap<>();
            boolean quick = false;
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--quick")) {
                    quick = true;
                } else if (args[i].startsWith("--") && i + 1 < args.length) {
                    values.put(args[i].substring(2), args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            List<Integer> concurrencies = Arrays.stream(
                            values.getOrDefault("concurrencies", quick ? "1,10" : "1,2,5,10")
                                    .split(","))
                    .map(String::trim)
                    .map(Integer::parseInt)
                    .toList();
            return new Options(
                    Integer.parseInt(values.getOrDefault("users", quick ? "60" : "500")),
                    Integer.parseInt(values.getOrDefault("runs", quick ? "1" : "3")),
                    Duration.ofMillis(Long.parseLong(values.getOrDefault("latency-ms", "20"))),
                    Integer.parseInt(values.getOrDefault("batch-size", "10")),
                    concurrencies,
                    Integer.parseInt(values.getOrDefault("memory-mb", Integer.toString(FUNCTION_MEMORY_MB))),
                    values.containsKey("markdown") ? Path.of(values.get("markdown")) : null,
                    "./pipeline bench throughput"
                            + (args.length == 0 ? "" : " " + String.join(" ", args))
                                    .replaceAll(" --markdown \\S+", ""));
        }
    }

    /** One measured pass of one concurrency. */
    public record Pass(int concurrency, int users, Duration wall, long billedMillis, int invocations, int failures) {

        double accountsPerSecond() {
            return users / (wall.toNanos() / 1e9);
        }

        double gbSecondsPer1000(int memoryMb) {
            return billedMillis / 1000.0 * memoryMb / 1024.0 * 1000.0 / users;
        }
    }

    /** The passes of every concurrency, and the figures of the result line. */
    public record Result(Options options, Map<Integer, List<Pass>> passes, String machine, String jdk) {

        int sequential() {
            return options.concurrencies().get(0);
        }

        int concurrent() {
            return options.concurrencies().get(options.concurrencies().size() - 1);
        }

        double medianAccountsPerSecond(int concurrency) {
            return median(passes.get(concurrency).stream()
                    .mapToDouble(Pass::accountsPerSecond)
                    .toArray());
        }

        double medianGbSecondsPer1000(int concurrency) {
            return median(passes.get(concurrency).stream()
                    .mapToDouble(p -> p.gbSecondsPer1000(options.memoryMb()))
                    .toArray());
        }

        public double throughputRatio() {
            return medianAccountsPerSecond(concurrent()) / medianAccountsPerSecond(sequential());
        }

        public int failures() {
            return passes.values().stream()
                    .flatMap(List::stream)
                    .mapToInt(Pass::failures)
                    .sum();
        }

        public String line() {
            return String.format(
                    Locale.ROOT,
                    "result throughput_ratio=%.2f gbs_per_1000_sequential=%.3f gbs_per_1000_concurrent=%.3f",
                    throughputRatio(),
                    medianGbSecondsPer1000(sequential()),
                    medianGbSecondsPer1000(concurrent()));
        }
    }

    private final Options options;
    private final PrintStream out;
    private java.util.Deque<String> recentLog = new java.util.ArrayDeque<>();

    private ThroughputBench(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Result result = run(options, System.err);
        System.out.println(result.line());
    }

    /** Runs the benchmark; progress and the table go to {@code out}. */
    public static Result run(Options options, PrintStream out) throws Exception {
        return new ThroughputBench(options, out).measure();
    }

    private Result measure() throws Exception {
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
            Map<Integer, List<Pass>> passes = new LinkedHashMap<>();
            options.concurrencies().forEach(c -> passes.put(c, new ArrayList<>()));
            for (int run = 0; run < options.runs(); run++) {
                // Alternate the order, so that neither side always runs on a warmer emulator.
                List<Integer> order = new ArrayList<>(options.concurrencies());
                if (run % 2 != 0) {
                    java.util.Collections.reverse(order);
                }
                for (int concurrency : order) {
                    Pass pass = pass(aws.sqs(), resources, lambda, concurrency, options.users());
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
            Result result = new Result(options, passes, machine(), jdk());
            String table = markdown(result);
            out.println();
            out.println(table);
            if (options.markdown() != null) {
                append(options.markdown(), table);
            }
            return result;
        }
    }

    private static String function(int concurrency) {
        return "provisioner-c" + concurrency;
    }

    /**
     * Queues {@code users} confirmations, then receives them in batches and invokes the function with each, deleting
     * what it did not report, until every one is provisioned.
     */
    private Pass pass(SqsClient sqs, PipelineResources resources, LocalLambdaHost lambda, int concurrency, int users)
            throws InterruptedException {
        enqueue(sqs, resources.queueUrl(), users);
        Set<String> done = new HashSet<>();
        long billed = 0;
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
            billed += Math.max(1, (result.duration().toNanos() + 999_999) / 1_000_000);
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
        return new Pass(concurrency, users, Duration.between(start, Instant.now()), billed, invocations, failures);
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
                    .id(Integer.toString(entries.size()))
                    .messageBody(codec.encode(message))
                    .build());
            if (entries.size() == 10 || i == users - 1) {
                List<SendMessageBatchRequestEntry> chunk = List.copyOf(entries);
                sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(chunk));
                entries.clear();
            }
        }
    }

    static final String HEADING = "## Provisioner throughput (`./pipeline bench throughput`)";

    static final String INTRO = """
            The provisioner's deployable jar in the local Lambda host, one warm instance invoked one batch at a time \
            (batches received and deleted as Lambda's event source mapping does, with `ReportBatchItemFailures`), over \
            queued confirmations, with a latency added to every DynamoDB and SES call by a loopback proxy in front of \
            DynamoDB Local and moto (standing in for the network to a regional endpoint), once per `BATCH_CONCURRENCY` \
            in the same run. Accounts/s = sign-ups over the pass's wall time; billed = the invocations' durations, each \
            rounded up to the millisecond as Lambda bills, as GB-seconds at the function's memory size, per 1,000 \
            sign-ups. Medians over the passes, min–max in brackets. The machine is shared with other builds: compare \
            the rows of one run, not runs with each other.
            """;

    static String markdown(Result r) {
        StringBuilder md = new StringBuilder();
        Options o = r.options();
        md.append("### `")
                .append(o.command())
                .append("`, ")
                .append(Instant.now())
                .append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Machine: %s, shared with other builds. JDK %s. %d sign-ups per pass, %d pass(es) per concurrency,"
                        + " +%d ms on every DynamoDB and SES call, batches of %d, %d MB.%n%n",
                r.machine(),
                r.jdk(),
                o.users(),
                o.runs(),
                o.latency().toMillis(),
                o.batchSize(),
                o.memoryMb()));
        md.append("| BATCH_CONCURRENCY | accounts/s | GB-s per 1,000 sign-ups | failed records |\n");
        md.append("|---|---|---|---|\n");
        for (int c : o.concurrencies()) {
            List<Pass> passes = r.passes().get(c);
            double[] rate = passes.stream().mapToDouble(Pass::accountsPerSecond).toArray();
            double[] gbs = passes.stream()
                    .mapToDouble(p -> p.gbSecondsPer1000(o.memoryMb()))
                    .toArray();
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f (%.1f–%.1f) | %.3f (%.3f–%.3f) | %d |%n",
                    c,
                    median(rate),
                    min(rate),
                    max(rate),
                    median(gbs),
                    min(gbs),
                    max(gbs),
                    passes.stream().mapToInt(Pass::failures).sum()));
        }
        md.append("\n`").append(r.line()).append("`\n");
        return md.toString();
    }

    /**
     * Appends the run's table to the end of this benchmark's section of the page (created with its introduction the
     * first time), leaving the other benchmarks' sections as they are: the page's layout, one {@code ## } section
     * per benchmark, as the bench module's benchmarks write it.
     */
    static void append(Path page, String table) throws IOException {
        Path parent = page.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String text = Files.exists(page) ? Files.readString(page) : "# Benchmarks\n";
        int start = text.indexOf("\n" + HEADING + "\n");
        String updated;
        if (start < 0) {
            updated = text.stripTrailing() + "\n\n" + HEADING + "\n\n" + INTRO.strip() + "\n\n" + table.strip() + "\n";
        } else {
            int next = text.indexOf("\n## ", start + HEADING.length() + 1);
            int end = next < 0 ? text.length() : next;
            updated = text.substring(0, end).stripTrailing() + "\n\n" + table.strip() + "\n"
                    + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(page, updated, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse(cpu);
        } catch (IOException | RuntimeException e) {
            // Not Linux: the core count alone.
        }
        return Runtime.getRuntime().availableProcessors() + " cores, " + cpu;
    }

    private static String jdk() {
        return Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
