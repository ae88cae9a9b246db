package dev.provisioning.bench;

import dev.provisioning.local.bench.Stats;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Every run's phases, by trigger ({@code ours}, {@code sync}) and condition, and what the product's trigger left on
 * the queue.
 *
 * @param enqueued distinct sign-ups on the queue (the trigger fails open: one it could not enqueue in its budget is
 *     missing, and reconcile re-enqueues it)
 * @param messages messages on the queue (a send retried after a lost answer leaves a duplicate; the provisioner is
 *     idempotent)
 * @param expectedEnqueued sign-ups sent through the product's trigger
 */
record DecouplingResult(
        List<Map<String, Map<String, DecouplingResult.Phase>>> runs,
        long enqueued,
        long messages,
        long expectedEnqueued) {

    /** One condition's figures for one trigger in one run. */
    record Phase(String condition, int n, double p50Ms, double p99Ms, int overOrFailed, int failed) {
        double overOrFailedFraction() {
            return (double) overOrFailed / n;
        }
    }

    /** The four figures of the issue, each the median over the runs. */
    String line() {
        return String.format(
                Locale.ROOT,
                "result decoupling_p99_ratio=%.2f sync_p99_ratio=%.2f sync_failed_fraction=%.3f"
                        + " ours_failed_fraction=%.3f",
                median(r -> ratio(r.get("ours"))),
                median(r -> ratio(r.get("sync"))),
                median(r -> r.get("sync").get("failing").overOrFailedFraction()),
                median(r -> r.get("ours").get("failing").overOrFailedFraction()));
    }

    /** p99 slow / p99 healthy of one trigger in one run. */
    static double ratio(Map<String, Phase> phases) {
        return phases.get("slow").p99Ms()
                / Math.max(0.001, phases.get("healthy").p99Ms());
    }

    private double median(ToDoubleFunction<Map<String, Map<String, Phase>>> figure) {
        return Stats.median(runs.stream().mapToDouble(figure).toArray());
    }
}
