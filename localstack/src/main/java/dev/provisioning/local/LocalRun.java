package dev.provisioning.local;

import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./pipeline local}: starts the local pipeline, lets {@link PipelineDriver} sign up and confirm users through
 * cognito-local and wait until the queue drains, and prints a one-line summary a script can read. Its parts stand
 * apart: the options ({@link RunOptions}), the component log ({@link ComponentLog}), the endpoints of a pipeline
 * kept running ({@link LocalEndpoints}). Exits 0 only when no confirmed user was lost.
 */
public final class LocalRun {

    public static void main(String[] args) {
        RunOptions options;
        try {
            options = RunOptions.parse(args);
        } catch (RunOptions.UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(RunOptions.USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        // Emulators print to System.out; keep stdout for the summary line alone.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        System.exit(run(options, stdout, System.err));
    }

    static int run(RunOptions options, PrintStream out, PrintStream err) {
        long started = System.nanoTime();
        try (ComponentLog componentLog = ComponentLog.open(options.logFile(), options.verbose() ? err : null)) {
            err.println("starting the local AWS, Lambda host"
                    + (options.signUps() == LocalPipeline.SignUps.COGNITO_LOCAL ? " and cognito-local" : "")
                    + " (logs: " + options.logFile() + ")");
            try (LocalPipeline pipeline = LocalPipeline.start(
                    Settings.fromEnvironment(),
                    HarnessPaths.discover(),
                    LocalPipeline.Options.defaults(componentLog)
                            .withChaos(options.chaos())
                            .withSignUps(options.signUps()))) {
                err.printf(Locale.ROOT, "ready in %.1f s%n", seconds(started));
                PipelineDriver.Outcome outcome = PipelineDriver.drive(pipeline, options.users(), options.poison(), err);
                out.println(outcome.report().summaryLine(seconds(started)) + outcome.figures());
                out.flush();
                if (options.keepRunning()) {
                    LocalEndpoints.print(pipeline, err);
                    Path endpoints = LocalEndpoints.write(pipeline);
                    err.println("./pipeline trace, dlq and reconcile use these endpoints while this runs (" + endpoints
                            + ")");
                    awaitInterrupt();
                }
                return outcome.report().lost() == 0 ? 0 : 1;
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            e.printStackTrace(err);
            return 3;
        }
    }

    private static void awaitInterrupt() {
        CountDownLatch latch = new CountDownLatch(1);
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
