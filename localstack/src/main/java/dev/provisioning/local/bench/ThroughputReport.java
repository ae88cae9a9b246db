package dev.provisioning.local.bench;

import java.time.Instant;
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

    static String markdown(ThroughputResult r) {
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
            double[] rate = r.accountsPerSecond(c);
            double[] gbs = r.gbSecondsPer1000(c);
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %.1f (%.1f–%.1f) | %.3f (%.3f–%.3f) | %d |%n",
                    c,
                    Stats.median(rate),
                    Stats.min(rate),
                    Stats.max(rate),
                    Stats.median(gbs),
                    Stats.min(gbs),
                    Stats.max(gbs),
                    r.passes().get(c).stream()
                            .mapToInt(ThroughputResult.Pass::failures)
                            .sum()));
        }
        md.append("\n`").append(r.line()).append("`\n");
        return md.toString();
    }
}
