package dev.provisioning.local.bench;

import dev.provisioning.common.Settings;
import dev.provisioning.local.ComponentLog;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.PipelineDriver;
import dev.provisioning.local.lambda.FunctionMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./pipeline bench scale}: the whole local pipeline at two sizes (default 10,000 and 20,000 sign-ups), each on a
 * pipeline of its own, through the local pipeline's own driver ({@link PipelineDriver}) with confirmations sent to the
 * trigger on the Lambda host's Invoke API ({@link LocalPipeline.SignUps#INVOKE_API}). Reports wall time, sign-ups per
 * second, nothing lost, the processes' peak memory, and the billed cost per sign-up at both sizes, whose ratio shows
 * whether the total cost grows linearly. Owns every pipeline it starts and stops it before the next.
 */
public final class ScaleBench {

    private ScaleBench() {}

    public static void main(String[] args) throws IOException {
        ScaleOptions options;
        try {
            options = ScaleOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            System.err.print(ScaleOptions.USAGE);
            System.exit(2);
            return;
        }
        // Emulators print to System.out; keep stdout for the result line alone.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        ScaleReport report = run(options, System.err);
        stdout.println(report.line());
        stdout.flush();
        System.exit(report.lost() == 0 ? 0 : 1);
    }

    /** Runs both sizes; progress and the table go to {@code out}, the table also to the page when asked. */
    public static ScaleReport run(ScaleOptions options, PrintStream out) throws IOException {
        out.printf(
                Locale.ROOT,
                "scale: %d then %d sign-ups end to end; sign-ups are Cognito's PostConfirmation events sent to the"
                        + " trigger on the local Lambda host's Invoke API, not through cognito-local (too slow at"
                        + " these sizes)%n",
                options.small(),
                options.large());
        ScaleRun small = measure(options, options.small(), out);
        ScaleRun large = measure(options, options.large(), out);
        ScaleReport report = new ScaleReport(options, small, large, BenchmarksPage.machine(), BenchmarksPage.jdk());
        String table = report.markdown();
        out.println();
        out.println(table);
        if (options.markdown() != null) {
            BenchmarksPage.appendToSection(options.markdown(), ScaleReport.HEADING, ScaleReport.INTRO, table);
        }
        return report;
    }

    /** One size on a pipeline of its own: warm-up, the measured sign-ups, then the figures before it stops. */
    static ScaleRun measure(ScaleOptions options, int users, PrintStream out) throws IOException {
        // The previous run's garbage out and the heap shrunk back, so that this run's peak is its own.
        System.gc();
        boolean ownPeakReset = PeakMemory.resetOwnPeak();
        Files.createDirectories(options.logDirectory());
        Path logFile = options.logDirectory().resolve("scale-" + users + ".log");
        out.printf(Locale.ROOT, "%n%d sign-ups: starting the local pipeline (logs: %s)%n", users, logFile);
        try (ComponentLog log = ComponentLog.open(logFile, null);
                LocalPipeline pipeline = LocalPipeline.start(
                        Settings.fromEnvironment(),
                        HarnessPaths.discover(),
                        LocalPipeline.Options.defaults(log).withSignUps(LocalPipeline.SignUps.INVOKE_API))) {
            if (options.warmup() > 0) {
                out.printf(Locale.ROOT, "warm-up: %d sign-ups, not measured%n", options.warmup());
                PipelineDriver.drive(pipeline, options.warmup(), 0, new PrintStream(OutputStream.nullOutputStream()));
            }
            FunctionMetrics trigger = pipeline.lambda().metrics(LocalPipeline.TRIGGER_FUNCTION);
            FunctionMetrics provisioner = pipeline.lambda().metrics(LocalPipeline.PROVISIONER_FUNCTION);
            PipelineDriver.Outcome outcome = PipelineDriver.drive(pipeline, users, 0, out);
            ScaleRun run = new ScaleRun(
                    users,
                    outcome.endToEnd(),
                    outcome.report(),
                    pipeline.lambda().metrics(LocalPipeline.TRIGGER_FUNCTION).since(trigger),
                    pipeline.lambda()
                            .metrics(LocalPipeline.PROVISIONER_FUNCTION)
                            .since(provisioner),
                    pipeline.mapping().stats().redeliveries(),
                    peaks(pipeline, ownPeakReset));
            out.println(outcome.report().summaryLine(outcome.endToEnd().toMillis() / 1000.0) + outcome.figures());
            return run;
        }
    }

    /** Every process of the run, read while they are alive. */
    private static List<ScaleRun.Peak> peaks(LocalPipeline pipeline, boolean ownPeakReset) {
        List<ScaleRun.Peak> peaks = new ArrayList<>();
        peaks.add(new ScaleRun.Peak(
                ownPeakReset ? "harness" : "harness (since its start)",
                PeakMemory.ownPeakKib().orElse(-1)));
        for (String function : List.of(LocalPipeline.TRIGGER_FUNCTION, LocalPipeline.PROVISIONER_FUNCTION)) {
            int instance = 0;
            for (ProcessHandle process : pipeline.lambda().processes(function)) {
                peaks.add(new ScaleRun.Peak(
                        function + " " + ++instance,
                        PeakMemory.peakKib(process.pid()).orElse(-1)));
            }
        }
        peaks.add(new ScaleRun.Peak(
                "moto", PeakMemory.peakKib(pipeline.aws().moto().pid()).orElse(-1)));
        return peaks;
    }
}
