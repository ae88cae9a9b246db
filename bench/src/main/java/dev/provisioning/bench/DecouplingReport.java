package dev.provisioning.bench;

import dev.provisioning.local.bench.BenchmarksPage;
import dev.provisioning.local.bench.Stats;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The table one {@code ./pipeline bench decoupling} run appends to docs/benchmarks.md. */
final class DecouplingReport {

    static final String HEADING = "## Decoupling: the trigger against a synchronous design";

    static final String INTRO = """
            Reproduce: `./pipeline bench decoupling` (about ten minutes on a busy 2-core machine; `--quick` runs once \
            with 30 sign-ups per condition, as CI does). Each run appends a table here.

            Sign-ups arrive at a fixed rate, open loop (each invocation starts on schedule whether or not earlier ones \
            returned; the three downstream conditions take turns in blocks of 25, so drift on the machine hits all \
            three), first through the product's trigger (`ours`: it enqueues to SQS and returns), then through a \
            synchronous baseline built in `bench/` only (`sync`: writes the account to DynamoDB, sends the welcome email \
            through SES and posts the user to the user service inside the trigger, with the SDK's default retries and \
            timeouts, as the trigger write-ups this project started from do). Both run in a JVM of their own with the \
            downstream (DynamoDB and SES on moto, a user-service stub answering 201) behind the project's fault proxy: \
            **healthy**, **slow** (every downstream call held 500 ms more) and **failing** (every downstream call \
            throttled, answered 500, reset or held 20 s, at random). SQS (ElasticMQ) is not part of the downstream. \
            Response time runs from an invocation's scheduled start to its return; "over 5 s or failed" counts what \
            Cognito turns into a failed sign-up: an error, or no answer within its 5 s (an invocation still running at \
            5 s counts as 5 s). Concurrent invocations share one JVM here, where Lambda gives each its own sandbox. \
            The provisioner does not run during this benchmark: what happens to the queued sign-ups under the same \
            faults is `./pipeline bench throughput` and the chaos test's business. Figures come from a 2-core machine \
            shared with other work, so tail latencies are noisy; compare ratios from the same run. `ours` calls no \
            downstream in any condition, so its slow/healthy p99 ratio measures that noise (its p50s agree within a \
            millisecond or two); the p99 of 150 invocations is their second-worst, set by a GC pause or a descheduled \
            thread.""";

    private final DecouplingOptions options;
    private final DecouplingResult result;

    DecouplingReport(DecouplingOptions options, DecouplingResult result) {
        this.options = options;
        this.result = result;
    }

    String table() {
        List<Map<String, Map<String, DecouplingResult.Phase>>> runs = result.runs();
        StringBuilder page = new StringBuilder();
        page.append(header(runs.size()));
        page.append("| trigger | downstream | p50 (ms) | p99 (ms) | over 5 s or failed |\n|---|---|---|---|---|\n");
        for (String mode : List.of("ours", "sync")) {
            for (String condition : DecouplingProbe.CONDITIONS) {
                page.append("| ")
                        .append(mode)
                        .append(" | ")
                        .append(condition)
                        .append(" | ")
                        .append(spread(runs, r -> r.get(mode).get(condition).p50Ms(), "%.1f"))
                        .append(" | ")
                        .append(spread(runs, r -> r.get(mode).get(condition).p99Ms(), "%.1f"))
                        .append(" | ")
                        .append(spread(runs, r -> r.get(mode).get(condition).overOrFailedFraction(), "%.3f"))
                        .append(" |\n");
            }
        }
        figures(page, runs);
        return page.toString();
    }

    private void figures(StringBuilder page, List<Map<String, Map<String, DecouplingResult.Phase>>> runs) {
        page.append("\n| figure | value | target |\n|---|---|---|\n")
                .append("| decoupling_p99_ratio (ours, p99 slow / healthy) | ")
                .append(spread(runs, r -> DecouplingResult.ratio(r.get("ours")), "%.2f"))
                .append(" | ≤ 1.1 |\n")
                .append("| sync_p99_ratio (baseline, p99 slow / healthy) | ")
                .append(spread(runs, r -> DecouplingResult.ratio(r.get("sync")), "%.2f"))
                .append(" | ≥ 5 |\n")
                .append("| sync_failed_fraction (baseline, failing downstream) | ")
                .append(spread(runs, r -> r.get("sync").get("failing").overOrFailedFraction(), "%.3f"))
                .append(" | > 0 |\n")
                .append("| ours_failed_fraction (ours, failing downstream) | ")
                .append(spread(runs, r -> r.get("ours").get("failing").overOrFailedFraction(), "%.3f"))
                .append(" | 0 |\n")
                .append("| distinct sign-ups on the queue / sent through the trigger (it fails open: one it cannot"
                        + " enqueue within its budget returns to Cognito all the same, logged, and reconcile re-enqueues"
                        + " it); messages on the queue (a send retried after a lost answer leaves a duplicate) | ")
                .append(result.enqueued())
                .append(" / ")
                .append(result.expectedEnqueued())
                .append("; ")
                .append(result.messages())
                .append(" | all |\n\n`")
                .append(result.line())
                .append("`\n");
    }

    private String header(int runCount) {
        return new StringBuilder("### Run of ")
                .append(Instant.now())
                .append("\n\nMachine: ")
                .append(BenchmarksPage.machine())
                .append("; JDK ")
                .append(BenchmarksPage.jdk())
                .append(". Command: `")
                .append(options.command())
                .append("`: ")
                .append(fmt(options.rate()))
                .append(" sign-ups/s, ")
                .append(options.count())
                .append(" per condition after ")
                .append(options.warmup())
                .append(" warm-up invocations, slow = +")
                .append(options.slowMs())
                .append(" ms per downstream call; ")
                .append(runCount)
                .append(runCount == 1 ? " run" : " runs, medians with min–max")
                .append(".\n\n")
                .toString();
    }

    private static String spread(
            List<Map<String, Map<String, DecouplingResult.Phase>>> runs,
            ToDoubleFunction<Map<String, Map<String, DecouplingResult.Phase>>> figure,
            String format) {
        double[] values = runs.stream().mapToDouble(figure).toArray();
        String median = String.format(Locale.ROOT, format, Stats.median(values));
        if (values.length == 1) {
            return median;
        }
        return median + " (" + String.format(Locale.ROOT, format, Stats.min(values)) + "–"
                + String.format(Locale.ROOT, format, Stats.max(values)) + ")";
    }

    private static String fmt(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }
}
