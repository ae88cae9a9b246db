package dev.provisioning.local.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The throughput benchmark's section of docs/benchmarks.md, and the medians it reports. */
final class ThroughputReport {

    private ThroughputReport() {}

    static final String HEADING = "## Provisioner throughput (`./pipeline bench throughput`)";

    static final String INTRO = """
            The provisioner's deployable jar in the local Lambda host, one warm instance invoked one batch at a time \
            (batches received and deleted as Lambda's event source mapping does, with `ReportBatchItemFailures`), over \
            queued confirmations, with a latency added to every DynamoDB and SES call by a loopback proxy in front of \
            DynamoDB Local and moto (standing in for the network to a regional endpoint), once per `BATCH_CONCURRENCY` \
            in the same run. Accounts/s = sign-ups over the pass's wall time; billed = the invocations' durations, each \
            rounded up to the millisecond as Lambda bills, as GB-seconds at the function's memory size, per 1,000 \
            sign-ups. Medians over the passes, min–max in brackets. The machine is shared with other builds: compare \
            the rows of one run, not runs with each other.
            """;

    static String markdown(ThroughputBench.Result r) {
        StringBuilder md = new StringBuilder();
        ThroughputOptions o = r.options();
        md.append("### `")
                .append(o.command())
                .append("`, ")
                .append(Instant.now())
                .append("\n\n");
        md.append(String.format(
                Locale.ROOT,
                "Machine: %s, shared with other builds. JDK %s. %d sign-ups per pass, %d pass(es) per concurrency,"
                        + " +%d ms on every DynamoDB and SES call, batches of %d, %d MB.%n%n",
                r.machine(),
                r.jdk(),
                o.users(),
                o.runs(),
                o.latency().toMillis(),
                o.batchSize(),
                o.memoryMb()));
        md.append("| BATCH_CONCURRENCY | accounts/s | GB-s per 1,000 sign-ups | failed records |\n");
        md.append("|---|---|---|---|\n");
        for (int c : o.concurrencies()) {
            List<ThroughputBench.Pass> passes = r.passes().get(c);
            double[] rate = passes.stream()
                    .mapToDouble(ThroughputBench.Pass::accountsPerSecond)
                    .toArray();
            double[] gbs = passes.stream()
                    .mapToDouble(p -> p.gbSecondsPer1000(o.memoryMb()))
                    .toArray();
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f (%.1f–%.1f) | %.3f (%.3f–%.3f) | %d |%n",
                    c,
                    median(rate),
                    min(rate),
                    max(rate),
                    median(gbs),
                    min(gbs),
                    max(gbs),
                    passes.stream().mapToInt(ThroughputBench.Pass::failures).sum()));
        }
        md.append("\n`").append(r.line()).append("`\n");
        return md.toString();
    }

    /**
     * Appends the run's table to the end of this benchmark's section of the page (created with its introduction the
     * first time), leaving the other benchmarks' sections as they are: the page's layout, one {@code ## } section
     * per benchmark, as the bench module's benchmarks write it.
     */
    static void append(Path page, String table) throws IOException {
        Path parent = page.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String text = Files.exists(page) ? Files.readString(page) : "# Benchmarks\n";
        int start = text.indexOf("\n" + HEADING + "\n");
        String updated;
        if (start < 0) {
            updated = text.stripTrailing() + "\n\n" + HEADING + "\n\n" + INTRO.strip() + "\n\n" + table.strip() + "\n";
        } else {
            int next = text.indexOf("\n## ", start + HEADING.length() + 1);
            int end = next < 0 ? text.length() : next;
            updated = text.substring(0, end).stripTrailing() + "\n\n" + table.strip() + "\n"
                    + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(page, updated, StandardCharsets.UTF_8);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}
