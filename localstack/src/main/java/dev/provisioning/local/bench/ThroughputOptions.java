package dev.provisioning.local.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much {@code ./pipeline bench throughput} measures.
 *
 * @param users confirmations per measured pass
 * @param runs passes per concurrency (medians over them)
 * @param latency added to every DynamoDB and SES call
 * @param batchSize records per invocation (the event source mapping's batch size)
 * @param concurrencies the values of {@code BATCH_CONCURRENCY} measured; the first is the baseline, the last the
 *     concurrent side of the ratio
 * @param memoryMb the function's memory size, for GB-seconds
 * @param markdown where to append the table, or null
 * @param command the command line, as written in the table
 */
public record ThroughputOptions(
        int users,
        int runs,
        Duration latency,
        int batchSize,
        List<Integer> concurrencies,
        int memoryMb,
        Path markdown,
        String command) {

    /** The provisioner's memory in infra ({@code Provisioner}: {@code memorySize(1024)}); {@code --memory-mb}. */
    static final int FUNCTION_MEMORY_MB = 1024;

    public ThroughputOptions {
        if (users < batchSize || runs < 1 || batchSize < 1 || batchSize > 10 || concurrencies.size() < 2) {
            throw new IllegalArgumentException("users >= batchSize, runs >= 1, batchSize 1-10 and at least two"
                    + " concurrencies are needed, got users=" + users + " runs=" + runs + " batchSize=" + batchSize
                    + " concurrencies=" + concurrencies);
        }
        concurrencies = List.copyOf(concurrencies);
    }

    static ThroughputOptions parse(String[] args) {
        BenchArgs parsed = BenchArgs.parse(
                args, Set.of("users", "runs", "latency-ms", "batch-size", "concurrencies", "memory-mb", "markdown"));
        Map<String, String> values = parsed.values();
        boolean quick = parsed.quick();
        List<Integer> concurrencies = Arrays.stream(values.getOrDefault("concurrencies", quick ? "1,10" : "1,2,5,10")
                        .split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
        return new ThroughputOptions(
                Integer.parseInt(values.getOrDefault("users", quick ? "60" : "500")),
                Integer.parseInt(values.getOrDefault("runs", quick ? "1" : "3")),
                Duration.ofMillis(Long.parseLong(values.getOrDefault("latency-ms", "20"))),
                Integer.parseInt(values.getOrDefault("batch-size", "10")),
                concurrencies,
                Integer.parseInt(values.getOrDefault("memory-mb", Integer.toString(FUNCTION_MEMORY_MB))),
                values.containsKey("markdown") ? Path.of(values.get("markdown")) : null,
                "./pipeline bench throughput"
                        + (args.length == 0 ? "" : " " + String.join(" ", args)).replaceAll(" --markdown \\S+", ""));
    }
}
