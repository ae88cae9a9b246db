package dev.provisioning.local.bench;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one {@code ./pipeline bench throughput} run measured: the passes of every concurrency, and the figures of the
 * result line.
 */
public record ThroughputResult(
        ThroughputOptions options, Map<Integer, List<ThroughputResult.Pass>> passes, String machine, String jdk) {

    /** One measured pass of one concurrency. */
    public record Pass(int concurrency, int users, Duration wall, long billedMillis, int invocations, int failures) {

        double accountsPerSecond() {
            return users / (wall.toNanos() / 1e9);
        }

        double gbSecondsPer1000(int memoryMb) {
            return billedMillis / 1000.0 * memoryMb / 1024.0 * 1000.0 / users;
        }
    }

    int sequential() {
        return options.concurrencies().get(0);
    }

    int concurrent() {
        return options.concurrencies().get(options.concurrencies().size() - 1);
    }

    double[] accountsPerSecond(int concurrency) {
        return passes.get(concurrency).stream()
                .mapToDouble(Pass::accountsPerSecond)
                .toArray();
    }

    double[] gbSecondsPer1000(int concurrency) {
        return passes.get(concurrency).stream()
                .mapToDouble(p -> p.gbSecondsPer1000(options.memoryMb()))
                .toArray();
    }

    public double throughputRatio() {
        return Stats.median(accountsPerSecond(concurrent())) / Stats.median(accountsPerSecond(sequential()));
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
                Stats.median(gbSecondsPer1000(sequential())),
                Stats.median(gbSecondsPer1000(concurrent())));
    }
}
