package dev.provisioning.local.bench;

import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The figures of {@code ./pipeline bench scale}: its result line and its section of docs/benchmarks.md, from the two
 * runs.
 *
 * @param options what was measured
 * @param small the run of {@link ScaleOptions#small()} sign-ups
 * @param large the run of {@link ScaleOptions#large()} sign-ups
 * @param machine cores and CPU
 * @param jdk the harness's (and the functions') JDK
 */
public record ScaleReport(ScaleOptions options, ScaleRun small, ScaleRun large, String machine, String jdk) {

    static final String HEADING = "## End to end at scale (`./pipeline bench scale`)";

    static final String INTRO = """
            The whole local pipeline (ElasticMQ, DynamoDB Local, moto, both deployable jars in the local Lambda host, \
            the SQS event source mapping) at two sizes, each on a pipeline of its own: trigger → queue → provisioner → \
            DynamoDB + SES, until the queue is empty. **Sign-ups do not go through cognito-local** (it rewrites its \
            pool's JSON file on every operation, so its cost per sign-up grows with the pool): the bench sends the \
            trigger Cognito's PostConfirmation events (`PostConfirmation_ConfirmSignUp`, the fields Cognito sends) \
            on the Lambda host's Invoke API, two at a time (the trigger's local concurrency), as fast as it answers; \
            the provisioner drains the queue meanwhile. Lost = confirmed users with neither an account nor a \
            dead-letter message, read from the emulators. Billed = each invocation's time in its instance, rounded up \
            to the millisecond, summed, as GB-seconds at infra's memory sizes. A warm-up before each run (not measured) \
            starts the instances, so that no cold start is in the figures; the JVMs' JIT keeps warming after it, so a \
            function's cost per sign-up still falls as a run goes on. `scale_cost_ratio` = GB-seconds per sign-up of \
            the large run over the small one: 1.00 is a linear total cost, above it a cost that grows faster than the \
            sign-ups, below it the later sign-ups of the large run riding on a warmer JIT. Peak RSS = `VmHWM` of each process the run \
            started (ElasticMQ and DynamoDB Local run inside the harness JVM). The machine is shared with other \
            builds: compare the rows of one run, not runs with each other.
            """;

    /** GB-seconds per sign-up at the large size over the small one: 1.00 when the total cost grows linearly. */
    public double costRatio() {
        return gbsPerSignUp(large) / gbsPerSignUp(small);
    }

    /** Users lost in both runs together. */
    public int lost() {
        return small.report().lost() + large.report().lost();
    }

    private double gbsPerSignUp(ScaleRun run) {
        return run.gbSecondsPerSignUp(options.triggerMemoryMb(), options.provisionerMemoryMb());
    }

    public String line() {
        return String.format(
                Locale.ROOT,
                "result users_small=%d users_large=%d lost_small=%d lost_large=%d scale_cost_ratio=%.3f"
                        + " signups_per_s_small=%.1f signups_per_s_large=%.1f",
                small.users(),
                large.users(),
                small.report().lost(),
                large.report().lost(),
                costRatio(),
                small.signUpsPerSecond(),
                large.signUpsPerSecond());
    }

    /** The run's table, headed by its command and time, for the page's section. */
    public String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### `")
                .append(options.command())
                .append("`, ")
                .append(Instant.now())
                .append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Machine: %s, shared with other builds. JDK %s. Sign-ups on the Invoke API (no cognito-local), %d"
                        + " warm-up sign-ups before each run; GB-seconds at %d MB (trigger) and %d MB (provisioner).%n%n",
                machine,
                jdk,
                options.warmup(),
                options.triggerMemoryMb(),
                options.provisionerMemoryMb()));
        md.append("| sign-ups | wall | sign-ups/s | lost | duplicate emails | trigger: invocations, billed"
                + " | provisioner: invocations, billed | GB-s per 1,000 sign-ups | peak RSS (MiB) |\n");
        md.append("|---|---|---|---|---|---|---|---|---|\n");
        for (ScaleRun run : new ScaleRun[] {small, large}) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f s | %.1f | %d | %d | %d, %.1f s | %d, %.1f s | %.3f | %s |%n",
                    run.users(),
                    run.wall().toMillis() / 1000.0,
                    run.signUpsPerSecond(),
                    run.report().lost(),
                    run.report().duplicateEmails(),
                    run.trigger().invocations(),
                    run.trigger().billedMillis() / 1000.0,
                    run.provisioner().invocations(),
                    run.provisioner().billedMillis() / 1000.0,
                    gbsPerSignUp(run) * 1000,
                    peaks(run)));
        }
        md.append("\n`").append(line()).append("`\n");
        return md.toString();
    }

    private static String peaks(ScaleRun run) {
        return run.peaks().stream()
                .map(p -> p.process() + " " + (p.kib() < 0 ? "?" : Long.toString(Math.round(p.kib() / 1024.0))))
                .collect(Collectors.joining(", "));
    }
}
