package dev.provisioning.bench;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.local.bench.BenchmarksPage;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The trigger's benchmark ({@code ./pipeline bench trigger}): cold start, warm latency, jar size
 * and loaded classes, each as a ratio against a floor program measured in the same run, on one
 * pinned core with Lambda-like JVM flags, against ElasticMQ started here. Owns the emulator and
 * every child JVM it starts, and stops them all before returning.
 */
public final class TriggerBench {

    /** See {@link LambdaTarget#FUNCTION_MEMORY_MB}. */
    static final int FUNCTION_MEMORY_MB = LambdaTarget.FUNCTION_MEMORY_MB;

    /** See {@link LambdaTarget#JAVA_MAJOR}. */
    static final int LAMBDA_JAVA_MAJOR = LambdaTarget.JAVA_MAJOR;

    private final TriggerBenchOptions options;
    private final Map<String, String> environment = new HashMap<>();
    private final boolean pin;
    private ChildJvms jvms;

    private TriggerBench(TriggerBenchOptions options) {
        this.options = options;
        this.pin = ChildJvms.tasksetWorks();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path work = Files.createTempDirectory("trigger-bench");
        try {
            TriggerBenchOptions options = new TriggerBenchOptions(
                    Integer.parseInt(values.getOrDefault("cold-runs", "15")),
                    Integer.parseInt(values.getOrDefault("warmup", "2000")),
                    Integer.parseInt(values.getOrDefault("iterations", "3000")),
                    Path.of(required(values, "trigger-jar")),
                    Path.of(required(values, "bench-classes")),
                    readClasspath(Path.of(required(values, "floor-classpath-file"))),
                    work,
                    values.containsKey("markdown") ? Path.of(values.get("markdown")) : null,
                    Path.of(values.getOrDefault("java-home", System.getProperty("java.home"))),
                    Integer.parseInt(values.getOrDefault("memory-mb", Integer.toString(FUNCTION_MEMORY_MB))));
            TriggerBenchResult result = run(options);
            System.out.println(result.line());
        } finally {
            deleteRecursively(work);
        }
    }

    /** Runs the whole benchmark; prints progress to stderr. */
    public static TriggerBenchResult run(TriggerBenchOptions options) throws Exception {
        return new TriggerBench(options).measure();
    }

    static List<Path> readClasspath(Path file) throws IOException {
        return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }

    private TriggerBenchResult measure() throws Exception {
        SQSRestServer elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000")
                .start();
        try {
            URI endpoint = URI.create("http://127.0.0.1:"
                    + elasticMq.waitUntilStarted().localAddress().getPort());
            String queueUrl;
            try (SqsClient admin = SqsClient.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(endpoint)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                    .httpClient(UrlConnectionHttpClient.create())
                    .build()) {
                queueUrl = admin.createQueue(b -> b.queueName("bench-provisioning"))
                        .queueUrl();
            }
            environment.put(FunctionEnvironment.QUEUE_URL, queueUrl);
            environment.put("AWS_REGION", "us-east-1");
            environment.put("AWS_ENDPOINT_URL_SQS", endpoint.toString());
            environment.put("AWS_ACCESS_KEY_ID", "bench");
            environment.put("AWS_SECRET_ACCESS_KEY", "bench");
            // A failed enqueue must fail the bench, not look like a fast cold start.
            environment.put(FunctionEnvironment.ENQUEUE_FAILURE_POLICY, "FAIL_CLOSED");
            return measureAgainstQueue();
        } finally {
            elasticMq.stopAndWait();
        }
    }

    /** Asks the measured JDK what it is; refuses one older than the trigger's release (21). */
    Jdk childJdk() throws Exception {
        return Jdk.of(java());
    }

    private String java() {
        return options.javaHome().resolve("bin").resolve("java").toString();
    }

    private TriggerBenchResult measureAgainstQueue() throws Exception {
        jvms = new ChildJvms(java(), options.lambdaFlags(), pin, options.workDir(), environment);
        Jdk jdk = childJdk();
        progress("measured JVMs run " + jdk.describe() + " from " + options.javaHome());
        if (!jdk.matchesLambda()) {
            progress("WARNING: " + jdk.warning());
        }
        // AppCDS archives classes from jars only, and refuses a classpath with a class directory.
        Path probes = probesJar();
        String triggerCp = options.triggerJar() + File.pathSeparator + probes;
        String floorCp = String.join(
                        File.pathSeparator,
                        options.floorClasspath().stream().map(Path::toString).toList())
                + File.pathSeparator
                + probes;
        String trigger = TriggerColdProbe.class.getName();
        String floor = FloorColdProbe.class.getName();

        Path triggerLog = options.workDir().resolve("trigger-classes.log");
        Path floorLog = options.workDir().resolve("floor-classes.log");
        progress("counting loaded classes");
        jvms.timeToDone(List.of("-Xlog:class+load=info:file=" + triggerLog), triggerCp, trigger);
        jvms.timeToDone(List.of("-Xlog:class+load=info:file=" + floorLog), floorCp, floor);

        Path triggerJsa = options.workDir().resolve("trigger.jsa");
        Path floorJsa = options.workDir().resolve("floor.jsa");
        progress("training the class-data archives");
        jvms.timeToDone(List.of("-XX:ArchiveClassesAtExit=" + triggerJsa), triggerCp, trigger);
        jvms.timeToDone(List.of("-XX:ArchiveClassesAtExit=" + floorJsa), floorCp, floor);

        TriggerBenchReport.Runs runs = coldRuns(triggerCp, floorCp, triggerJsa, floorJsa);
        Map<String, Long> warmValues = warm(triggerCp, floorCp);

        long floorBytes = 0;
        for (Path jar : options.floorClasspath()) {
            floorBytes += Files.size(jar);
        }
        TriggerBenchResult result = new TriggerBenchResult(
                WarmProbe.median(runs.triggerCold()),
                WarmProbe.median(runs.floorCold()),
                WarmProbe.median(runs.triggerCds()),
                WarmProbe.median(runs.floorCds()),
                warmValues.get("handler_ns"),
                warmValues.get("raw_ns"),
                Files.size(options.triggerJar()),
                floorBytes,
                countLines(triggerLog),
                countLines(floorLog),
                options.coldRuns(),
                options.warmIterations(),
                jdk);
        write(result, runs);
        return result;
    }

    /** Its own section of the benchmarks page only: the other benchmarks' sections stay. */
    private void write(TriggerBenchResult result, TriggerBenchReport.Runs runs) throws IOException {
        if (options.markdown() == null) {
            return;
        }
        Path parent = options.markdown().toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        BenchmarksPage.replaceSection(options.markdown(), new TriggerBenchReport(result, options, pin).markdown(runs));
    }

    /** Cold starts of every configuration, interleaved so drift on a shared machine touches each alike. */
    private TriggerBenchReport.Runs coldRuns(String triggerCp, String floorCp, Path triggerJsa, Path floorJsa)
            throws Exception {
        String trigger = TriggerColdProbe.class.getName();
        String floor = FloorColdProbe.class.getName();
        long[] triggerCold = new long[options.coldRuns()];
        long[] floorCold = new long[options.coldRuns()];
        long[] triggerCds = new long[options.coldRuns()];
        long[] floorCds = new long[options.coldRuns()];
        for (int run = 0; run < options.coldRuns(); run++) {
            progress("cold run " + (run + 1) + "/" + options.coldRuns());
            triggerCold[run] = jvms.timeToDone(List.of(), triggerCp, trigger);
            floorCold[run] = jvms.timeToDone(List.of(), floorCp, floor);
            triggerCds[run] = jvms.timeToDone(List.of("-XX:SharedArchiveFile=" + triggerJsa), triggerCp, trigger);
            floorCds[run] = jvms.timeToDone(List.of("-XX:SharedArchiveFile=" + floorJsa), floorCp, floor);
        }
        return new TriggerBenchReport.Runs(triggerCold, floorCold, triggerCds, floorCds);
    }

    /** Warm medians (ns) of the handler and of a raw sendMessage, measured in one JVM. */
    private Map<String, Long> warm(String triggerCp, String floorCp) throws Exception {
        progress("warm: " + options.warmup() + " warm-up and " + options.warmIterations() + " measured calls each");
        String warm = jvms.runForLine(
                List.of(),
                triggerCp + File.pathSeparator + floorCp,
                WarmProbe.class.getName(),
                "WARM ",
                Integer.toString(options.warmup()),
                Integer.toString(options.warmIterations()));
        Map<String, Long> values = new HashMap<>();
        for (String pair : warm.substring("WARM ".length()).split(" ")) {
            String[] kv = pair.split("=");
            values.put(kv[0], Long.parseLong(kv[1]));
        }
        return values;
    }

    /** The probe classes, as a jar in the work directory. */
    private Path probesJar() throws IOException {
        Path jar = options.workDir().resolve("probes.jar");
        Path root = options.benchClasses();
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
                var files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(
                        root.relativize(file).toString().replace(File.separatorChar, '/')));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static int countLines(Path file) throws IOException {
        try (var lines = Files.lines(file)) {
            return (int) lines.count();
        }
    }

    private static String required(Map<String, String> values, String name) {
        String value = values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("Missing --" + name);
        }
        return value;
    }

    private static void progress(String message) {
        System.err.println("bench: " + message);
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException("Could not delete " + p, e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
