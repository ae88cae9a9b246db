package dev.provisioning.local.bench;

import java.util.Arrays;

/** The summaries the benchmarks report over their runs: the median, with the minimum and maximum beside it. */
public final class Stats {

    private Stats() {}

    public static double median(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double min(double[] values) {
        return Arrays.stream(values).min().orElseThrow(() -> new IllegalArgumentException("no values"));
    }

    public static double max(double[] values) {
        return Arrays.stream(values).max().orElseThrow(() -> new IllegalArgumentException("no values"));
    }
}
