package dev.provisioning.bench;

import dev.provisioning.common.FunctionEnvironment;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    /**
     * The trigger function's memory in infra ({@code ProvisioningStack}: {@code memorySize(1024)} on
     * {@code IngestTrigger}). Keep the two in step; {@code --memory-mb} overrides it for a run.
     */
    static final int FUNCTION_MEMORY_MB = 1024;

    /** The Java major version of Lambda's java21 runtime, which the measured JVMs should match. */
    static final int LAMBDA_JAVA_MAJOR = 21;

    /** The Java releases of Lambda's runtimes infra can deploy ({@code javaRuntime=java21|java25}). */
    static final java.util.Set<Integer> LAMBDA_JAVA_MAJORS = java.util.Set.of(21, 25);

    /** The class-data archive earns its place when the trigger's cold start with it is ≤ this share of the floor's. */
    static final double CDS_TARGET = 0.60;

    private static final long CHILD_TIMEOUT_SECONDS = 120;

    /**
     * How much to measure and where things are.
     *
     * @param coldRuns JVM starts per configuration (four configurations)
     * @param warmup warm-up invocations of each of handler and raw send
     * @param warmIterations measured invocations of each
     * @param markdown where to write the table, or {@code null}
     * @param javaHome the JDK the measured JVMs run on ({@code BENCH_JAVA_HOME} in {@code bench/run})
     * @param memoryMb the function memory whose heap the measured JVMs get
     */
    public record Options(
            int coldRuns,
            int warmup,
            int warmIterations,
            Path triggerJar,
            Path benchClasses,
            List<Path> floorClasspath,
            Path workDir,
            Path markdown,
            Path javaHome,
            int memoryMb) {

        /** Lambda's java21 runtime flags that matter for start-up, with the heap sized from the memory. */
        List<String> lambdaFlags() {
            return List.of(
                    "-XX:+TieredCompilation",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC",
                    "-Xshare:auto",
                    // Lambda's Java runtime gives the heap about 85% of the function's memory.
                    "-Xmx" + (memoryMb * 85 / 100) + "m");
        }
    }

    /** The JDK of the measured JVMs, as they report it. */
    public record Jdk(String runtimeVersion, int major, String vendor) {

        boolean matchesLambda() {
            return LAMBDA_JAVA_MAJORS.contains(major);
        }

        String describe() {
            return "JDK " + runtimeVersion + " (" + vendor + ")";
        }

        String warning() {
            return "measured on Java " + major + ", not 21 or 25 like Lambda's java21 and java25 runtimes:"
                    + " start-up costs differ between JDK releases (class loading, CDS, JIT), so compare ratios from"
                    + " the same JDK only; set BENCH_JAVA_HOME to a JDK 21 or 25 to match a deployable runtime";
        }
    }

    /** Medians in nanoseconds, sizes in bytes. */
    public record Result(
            long triggerCold,
            long floorCold,
            long triggerColdCds,
            long floorColdCds,
            long handlerWarm,
            long rawWarm,
            long triggerJarBytes,
            long floorJarBytes,
            int triggerClasses,
            int floorClasses,
            int coldRuns,
            int warmIterations,
            Jdk jdk) {

        double coldRatio() {
            return (double) triggerCold / floorCold;
        }

        double coldCdsRatio() {
            return (double) triggerColdCds / floorCold;
        }

        /** The trigger against the floor, both with their archives: the trigger's own start-up work. */
        double coldCdsToCdsRatio() {
            return (double) triggerColdCds / floorColdCds;
        }

        /** What CDS alone does for the floor: the best the trigger could reach by loading faster. */
        double floorCdsRatio() {
            return (double) floorColdCds / floorCold;
        }

        double warmRatio() {
            return (double) handlerWarm / rawWarm;
        }

        /** Handler minus raw sendMessage, medians, in microseconds: what the trigger adds per call. */
        double warmDifferenceMicros() {
            return (handlerWarm - rawWarm) / 1000.0;
        }

        public String line() {
            return String.format(
                    Locale.ROOT,
                    "result trigger_cold_ratio=%.2f trigger_cold_cds_ratio=%.2f trigger_warm_ratio=%.2f jar_mb=%.2f classes=%d",
                    coldRatio(),
                    coldCdsRatio(),
                    warmRatio(),
                    triggerJarBytes / 1048576.0,
                    triggerClasses);
        }
    }

    private final Options options;
    private final Map<String, String> environment = new HashMap<>();
    private final boolean pin;

    private TriggerBench(Options options) {
        this.options = options;
        this.pin = tasksetWorks();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            values.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path work = Files.createTempDirectory("trigger-bench");
        try {
            Options options = new Options(
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
            Result result = run(options);
            System.out.println(result.line());
        } finally {
            deleteRecursively(work);
        }
    }

    /** Runs the whole benchmark; prints progress to stderr. */
    public static Result run(Options options) throws Exception {
        return new TriggerBench(options).measure();
    }

    static List<Path> readClasspath(Path file) throws IOException {
        return Arrays.stream(Files.readString(file).trim().split(File.pathSeparator))
                .filter(s -> !s.isBlank())
                .map(Path::of)
                .toList();
    }

    private Result measure() throws Exception {
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
        Map<String, String> properties = new HashMap<>();
        Process process = new ProcessBuilder(java(), "-XshowSettings:properties", "-version")
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                int equals = line.indexOf(" = ");
                if (equals > 0) {
                    properties.putIfAbsent(
                            line.substring(0, equals).trim(),
                            line.substring(equals + 3).trim());
                }
            }
        }
        if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("Could not run " + java() + " -version");
        }
        String specification = properties.getOrDefault("java.specification.version", "0");
        int major = Integer.parseInt(specification.startsWith("1.") ? specification.substring(2) : specification);
        if (major < LAMBDA_JAVA_MAJOR) {
            throw new IllegalStateException(java() + " is Java " + major + "; the trigger needs Java "
                    + LAMBDA_JAVA_MAJOR + " or newer (set BENCH_JAVA_HOME to a JDK 21)");
        }
        return new Jdk(
                properties.getOrDefault("java.runtime.version", specification),
                major,
                properties.getOrDefault("java.vendor", "unknown vendor"));
    }

    private String java() {
        return options.javaHome().resolve("bin").resolve("java").toString();
    }

    private Result measureAgainstQueue() throws Exception {
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
        timeToDone(List.of("-Xlog:class+load=info:file=" + triggerLog), triggerCp, trigger);
        timeToDone(List.of("-Xlog:class+load=info:file=" + floorLog), floorCp, floor);

        Path triggerJsa = options.workDir().resolve("trigger.jsa");
        Path floorJsa = options.workDir().resolve("floor.jsa");
        progress("training the class-data archives");
        timeToDone(List.of("-XX:ArchiveClassesAtExit=" + triggerJsa), triggerCp, trigger);
        timeToDone(List.of("-XX:ArchiveClassesAtExit=" + floorJsa), floorCp, floor);

        long[] triggerCold = new long[options.coldRuns()];
        long[] floorCold = new long[options.coldRuns()];
        long[] triggerCds = new long[options.coldRuns()];
        long[] floorCds = new long[options.coldRuns()];
        for (int run = 0; run < options.coldRuns(); run++) {
            progress("cold run " + (run + 1) + "/" + options.coldRuns());
            // Interleaved, so drift on a shared machine touches every configuration alike.
            triggerCold[run] = timeToDone(List.of(), triggerCp, trigger);
            floorCold[run] = timeToDone(List.of(), floorCp, floor);
            triggerCds[run] = timeToDone(List.of("-XX:SharedArchiveFile=" + triggerJsa), triggerCp, trigger);
            floorCds[run] = timeToDone(List.of("-XX:SharedArchiveFile=" + floorJsa), floorCp, floor);
        }

        progress("warm: " + options.warmup() + " warm-up and " + options.warmIterations() + " measured calls each");
        String warm = runForLine(
                List.of(),
                triggerCp + File.pathSeparator + floorCp,
                WarmProbe.class.getName(),
                "WARM ",
                Integer.toString(options.warmup()),
                Integer.toString(options.warmIterations()));
        Map<String, Long> warmValues = new HashMap<>();
        for (String pair : warm.substring("WARM ".length()).split(" ")) {
            String[] kv = pair.split("=");
            warmValues.put(kv[0], Long.parseLong(kv[1]));
        }

        long floorBytes = 0;
        for (Path jar : options.floorClasspath()) {
            floorBytes += Files.size(jar);
        }
        Result result = new Result(
                WarmProbe.median(triggerCold),
                WarmProbe.median(floorCold),
                WarmProbe.median(triggerCds),
                WarmProbe.median(floorCds),
                warmValues.get("handler_ns"),
                warmValues.get("raw_ns"),
                Files.size(options.triggerJar()),
                floorBytes,
                countLines(triggerLog),
                countLines(floorLog),
                options.coldRuns(),
                options.warmIterations(),
                jdk);
        if (options.markdown() != null) {
            Path parent = options.markdown().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(
                    options.markdown(),
                    markdown(result, triggerCold, floorCold, triggerCds, floorCds) + otherSections(options.markdown()));
        }
        return result;
    }

    /** The sections of the file that other benchmarks wrote (every {@code ## } heading but this one's), kept. */
    static String otherSections(Path markdown) throws IOException {
        if (!Files.isRegularFile(markdown)) {
            return "";
        }
        String text = Files.readString(markdown);
        for (int at = text.indexOf("\n## "); at >= 0; at = text.indexOf("\n## ", at + 1)) {
            if (!text.startsWith("\n## Trigger", at)) {
                return "\n" + text.substring(at);
            }
        }
        return "";
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

    private List<String> command(List<String> extraFlags, String classpath, String main, String... args) {
        List<String> command = new ArrayList<>();
        if (pin) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.add(java());
        command.addAll(options.lambdaFlags());
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", classpath, main));
        command.addAll(List.of(args));
        return command;
    }

    /** Nanoseconds from starting the JVM to its probe's done line; the JVM must then exit 0. */
    private long timeToDone(List<String> extraFlags, String classpath, String main) throws Exception {
        long[] elapsed = {-1};
        run(command(extraFlags, classpath, main), (line, start) -> {
            if (line.equals(Probes.DONE) && elapsed[0] < 0) {
                elapsed[0] = System.nanoTime() - start;
            }
        });
        if (elapsed[0] < 0) {
            throw new IllegalStateException(main + " exited without handling its event");
        }
        return elapsed[0];
    }

    private String runForLine(List<String> extraFlags, String classpath, String main, String prefix, String... args)
            throws Exception {
        String[] found = {null};
        run(command(extraFlags, classpath, main, args), (line, start) -> {
            if (line.startsWith(prefix)) {
                found[0] = line;
            }
        });
        if (found[0] == null) {
            throw new IllegalStateException(main + " printed no line starting with " + prefix);
        }
        return found[0];
    }

    private interface LineListener {
        void line(String line, long startNanos);
    }

    private void run(List<String> command, LineListener listener) throws Exception {
        Path stderr = Files.createTempFile(options.workDir(), "child", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                listener.line(line, start);
            }
            if (!process.waitFor(CHILD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Child JVM did not exit: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Child JVM exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr));
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(stderr);
        }
    }

    private static boolean tasksetWorks() {
        try {
            Process process = new ProcessBuilder("taskset", "-c", "0", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String markdown(Result r, long[] triggerCold, long[] floorCold, long[] triggerCds, long[] floorCds)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n## Trigger (`ingest-trigger`)\n\n");
        md.append("Reproduce: `./pipeline bench trigger` (about two minutes; writes this file). ");
        md.append("`BENCH_JAVA_HOME` picks the JDK of the measured JVMs (default: the one running the bench).\n\n");
        md.append("**Measured on ").append(r.jdk().describe()).append(".**");
        if (r.jdk().matchesLambda()) {
            md.append(" That is the Java release of Lambda's java")
                    .append(r.jdk().major())
                    .append(" runtime, which infra deploys with `javaRuntime=java")
                    .append(r.jdk().major())
                    .append("`.\n\n");
        } else {
            md.append(" Warning: ").append(r.jdk().warning()).append(".\n\n");
        }
        md.append("Machine: ")
                .append(machine())
                .append("; child JVMs ")
                .append(pin ? "pinned to core 0 with `taskset -c 0`" : "not pinned (no taskset)")
                .append(", flags `")
                .append(String.join(" ", options.lambdaFlags()))
                .append("` (the heap for the trigger's ")
                .append(options.memoryMb())
                .append(" MB in infra; a whole core is more CPU than Lambda gives that memory size)")
                .append("; SQS: ElasticMQ embedded in the bench JVM on loopback. Written ")
                .append(Instant.now())
                .append(".\n\n");
        md.append(
                "Cold = from starting the JVM to the handler's first return, its first SendMessage (and, for the trigger, the priming request of its static init) included. ");
        md.append(
                "Floor = a program that only builds an `SqsClient` with the same url-connection HTTP client and sends one message. ");
        md.append(
                "CDS = an AppCDS archive (`-XX:ArchiveClassesAtExit`) from one training run, used with `-XX:SharedArchiveFile`. ");
        md.append(
                "Warm = the handler against a raw `sendMessage` of the same body with the same message attributes (a message the handler wrote), to the same queue, in alternating blocks.\n\n");
        md.append("| measure | trigger | floor | ratio | target |\n|---|---|---|---|---|\n");
        md.append("| JDK of the measured JVMs | ")
                .append(r.jdk().runtimeVersion())
                .append(" | same | | ")
                .append("21 or 25 (Lambda java21, java25)")
                .append(r.jdk().matchesLambda() ? "" : " **not matched**")
                .append(" |\n");
        md.append(row(
                "cold start, median of " + r.coldRuns() + " (ms)",
                ms(r.triggerCold()),
                ms(r.floorCold()),
                r.coldRatio(),
                "≤ 1.10"));
        md.append(row(
                "cold start with CDS, median (ms); ratio to the floor without CDS",
                ms(r.triggerColdCds()),
                ms(r.floorColdCds()),
                r.coldCdsRatio(),
                String.format(Locale.ROOT, "≤ %.2f", CDS_TARGET)
                        + (r.coldCdsRatio() > CDS_TARGET ? " (missed, see below)" : "")));
        md.append(row(
                "cold start with CDS: trigger vs floor, both with their archives",
                ms(r.triggerColdCds()),
                ms(r.floorColdCds()),
                r.coldCdsToCdsRatio(),
                ""));
        md.append(row(
                "warm invocation, median of " + r.warmIterations() + " (µs); handler vs raw sendMessage",
                String.format(Locale.ROOT, "%.0f", r.handlerWarm() / 1000.0),
                String.format(Locale.ROOT, "%.0f", r.rawWarm() / 1000.0),
                r.warmRatio(),
                "≤ 1.20"));
        md.append("| warm: handler − raw sendMessage, difference of the medians (µs) | ")
                .append(String.format(Locale.ROOT, "%+.0f", r.warmDifferenceMicros()))
                .append(" | | | |\n");
        md.append(row(
                "deployable size (MB): shaded jar vs the floor's SDK jars",
                mb(r.triggerJarBytes()),
                mb(r.floorJarBytes()),
                (double) r.triggerJarBytes() / r.floorJarBytes(),
                ""));
        md.append(row(
                "classes loaded by the first invocation (`-Xlog:class+load`)",
                Integer.toString(r.triggerClasses()),
                Integer.toString(r.floorClasses()),
                (double) r.triggerClasses() / r.floorClasses(),
                ""));
        md.append("\n### The class-data archive\n\n");
        if (r.coldCdsRatio() > CDS_TARGET) {
            md.append(String.format(
                    Locale.ROOT,
                    "The CDS target (trigger with its archive ≤ %.2f of the floor without one) is missed: %.2f. ",
                    CDS_TARGET,
                    r.coldCdsRatio()));
        } else {
            md.append(
                    String.format(Locale.ROOT, "The CDS target (≤ %.2f) is met: %.2f. ", CDS_TARGET, r.coldCdsRatio()));
        }
        md.append(String.format(
                Locale.ROOT,
                "An archive saves loading, parsing and verifying classes; it does not save what then runs. "
                        + "Even the floor only gets to %.2f of its uncached time with its own archive; %s. "
                        + "What an archive leaves is the "
                        + "JVM's own start, building the SDK client, interpreting and C1-compiling the first request "
                        + "path, and the round trips to SQS; the trigger adds its configuration, its priming request, "
                        + "the JSON it reads and writes and its metrics line (%.2f of the floor with both archived, "
                        + "%.2f without archives). Reaching %.2f would take doing less before the first return, not "
                        + "loading fewer classes. ",
                r.floorCdsRatio(),
                r.floorCdsRatio() >= CDS_TARGET
                        ? "the target is out of reach for anything that does at least the floor's work"
                        : String.format(
                                Locale.ROOT,
                                "the target leaves the trigger %.0f%% more than the floor's archived start",
                                (CDS_TARGET / r.floorCdsRatio() - 1) * 100),
                r.coldCdsToCdsRatio(),
                r.coldRatio(),
                CDS_TARGET));
        md.append("AppCDS applies to the java21 runtime without SnapStart. `infra` deploys the trigger with SnapStart "
                + "(on published versions): a restore resumes a JVM whose classes are already loaded and whose client "
                + "is primed, so an archive would not help there and is not shipped; these CDS figures describe the "
                + "fallback of running without SnapStart.\n");
        md.append("\nCold-start runs (ms, in run order):\n\n");
        md.append("- trigger: ").append(list(triggerCold)).append('\n');
        md.append("- floor: ").append(list(floorCold)).append('\n');
        md.append("- trigger + CDS: ").append(list(triggerCds)).append('\n');
        md.append("- floor + CDS: ").append(list(floorCds)).append('\n');
        md.append("\n```\n").append(r.line()).append("\n```\n");
        return md.toString();
    }

    private static String row(String what, String trigger, String floor, double ratio, String target) {
        return "| " + what + " | " + trigger + " | " + floor + " | " + String.format(Locale.ROOT, "%.2f", ratio) + " | "
                + target + " |\n";
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.0f", nanos / 1e6);
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f", bytes / 1048576.0);
    }

    private static String list(long[] nanos) {
        return String.join(", ", Arrays.stream(nanos).mapToObj(TriggerBench::ms).toList());
    }

    private static String machine() throws IOException {
        List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
        long cores = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
        String model = cpuinfo.stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse("unknown CPU");
        return cores + " cores (nproc), " + model;
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
