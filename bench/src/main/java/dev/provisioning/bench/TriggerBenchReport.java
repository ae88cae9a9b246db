package dev.provisioning.bench;

import dev.provisioning.local.bench.BenchmarksPage;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;

/** The trigger benchmark's page in {@code docs/benchmarks.md}: how it was measured, the table, the CDS discussion. */
final class TriggerBenchReport {

    /** The class-data archive earns its place when the trigger's cold start with it is ≤ this share of the floor's. */
    static final double CDS_TARGET = 0.60;

    /** Every cold-start run, in nanoseconds and run order. */
    record Runs(long[] triggerCold, long[] floorCold, long[] triggerCds, long[] floorCds) {}

    private final TriggerBenchResult r;
    private final TriggerBenchOptions options;
    private final boolean pin;

    TriggerBenchReport(TriggerBenchResult result, TriggerBenchOptions options, boolean pin) {
        this.r = result;
        this.options = options;
        this.pin = pin;
    }

    String markdown(Runs runs) throws IOException {
        StringBuilder md = new StringBuilder();
        header(md);
        table(md);
        classDataArchive(md);
        md.append("\nCold-start runs (ms, in run order):\n\n");
        md.append("- trigger: ").append(list(runs.triggerCold())).append('\n');
        md.append("- floor: ").append(list(runs.floorCold())).append('\n');
        md.append("- trigger + CDS: ").append(list(runs.triggerCds())).append('\n');
        md.append("- floor + CDS: ").append(list(runs.floorCds())).append('\n');
        md.append("\n```\n").append(r.line()).append("\n```\n");
        return md.toString();
    }

    private void header(StringBuilder md) throws IOException {
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
                .append(BenchmarksPage.machine())
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
    }

    private void table(StringBuilder md) {
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
    }

    private void classDataArchive(StringBuilder md) {
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
        return String.join(
                ", ", Arrays.stream(nanos).mapToObj(TriggerBenchReport::ms).toList());
    }
}
