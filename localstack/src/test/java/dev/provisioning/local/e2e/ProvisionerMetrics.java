package dev.provisioning.local.e2e;

import dev.provisioning.common.MetricNames;
import dev.provisioning.local.LocalPipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * Reads the provisioner's metrics back from the local pipeline's CloudWatch (moto), and waits for them. The
 * provisioner publishes once per invocation, as it returns (one PutMetricData, see ProvisioningMetrics), so the
 * counts arrive with the last invocation's publish, a moment after the work they count; a test polls for what it
 * expects instead of waiting a fixed time.
 */
final class ProvisionerMetrics {

    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);

    private ProvisionerMetrics() {}

    /**
     * One statistic of a provisioner metric over the last minutes, summed over its data points; {@code outcome}
     * selects that dimension's value, or is null for a metric without it.
     */
    record Query(String metricName, String statistic, String outcome) {

        static Query sum(String metricName) {
            return new Query(metricName, "Sum", null);
        }

        static Query sum(String metricName, String outcome) {
            return new Query(metricName, "Sum", outcome);
        }

        static Query maximum(String metricName) {
            return new Query(metricName, "Maximum", null);
        }

        @Override
        public String toString() {
            return statistic + "(" + metricName + (outcome == null ? "" : ", outcome=" + outcome) + ")";
        }
    }

    /** What CloudWatch held for each query at one read. */
    record Snapshot(Map<Query, Double> values) {

        double get(Query query) {
            Double value = values.get(query);
            if (value == null) {
                throw new IllegalArgumentException(query + " was not read");
            }
            return value;
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }

    /** Reads every query in one GetMetricData call. */
    static Snapshot read(LocalPipeline pipeline, String namespace, List<Query> queries) {
        List<MetricDataQuery> dataQueries = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            dataQueries.add(dataQuery("q" + i, namespace, queries.get(i)));
        }
        Instant now = Instant.now();
        List<MetricDataResult> results = pipeline.aws()
                .cloudWatch()
                .getMetricData(b -> b.startTime(now.minus(Duration.ofMinutes(15)))
                        .endTime(now.plus(Duration.ofMinutes(5)))
                        .metricDataQueries(dataQueries))
                .metricDataResults();
        Map<Query, Double> values = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            String id = "q" + i;
            values.put(
                    queries.get(i),
                    results.stream()
                            .filter(r -> id.equals(r.id()))
                            .flatMap(r -> r.values().stream())
                            .mapToDouble(Double::doubleValue)
                            .sum());
        }
        return new Snapshot(values);
    }

    /**
     * Reads until {@code holds} is true of what CloudWatch has, or {@code timeout} passes. A failed read counts as
     * not yet.
     *
     * @param expected what {@code holds} checks, for the failure message
     * @param context more to say on failure (e.g. the provisioner's "Metrics dropped" lines)
     * @return the snapshot that satisfied {@code holds}
     * @throws AssertionError after {@code timeout}, with the expectation, the last snapshot (or read error) and the
     *     context
     */
    static Snapshot await(
            LocalPipeline pipeline,
            String namespace,
            List<Query> queries,
            String expected,
            Predicate<Snapshot> holds,
            Duration timeout,
            Supplier<String> context) {
        Instant deadline = Instant.now().plus(timeout);
        Snapshot last = null;
        SdkException lastError = null;
        do {
            try {
                last = read(pipeline, namespace, queries);
                lastError = null;
                if (holds.test(last)) {
                    return last;
                }
            } catch (SdkException e) {
                lastError = e;
            }
            sleep(expected);
        } while (Instant.now().isBefore(deadline));
        AssertionError failure = new AssertionError("Timed out after " + timeout.toSeconds() + " s waiting for "
                + expected + " in CloudWatch; last seen: " + (last == null ? "nothing" : last)
                + (lastError == null ? "" : "; last read failed: " + lastError) + context.get());
        if (lastError != null) {
            failure.initCause(lastError);
        }
        throw failure;
    }

    private static MetricDataQuery dataQuery(String id, String namespace, Query query) {
        List<Dimension> dimensions = new ArrayList<>();
        dimensions.add(Dimension.builder()
                .name(MetricNames.DIMENSION_FUNCTION)
                .value(LocalPipeline.PROVISIONER_FUNCTION)
                .build());
        if (query.outcome() != null) {
            dimensions.add(Dimension.builder()
                    .name(MetricNames.DIMENSION_OUTCOME)
                    .value(query.outcome())
                    .build());
        }
        return MetricDataQuery.builder()
                .id(id)
                .metricStat(stat -> stat.period(60).stat(query.statistic()).metric(metric -> metric.namespace(namespace)
                        .metricName(query.metricName())
                        .dimensions(dimensions)))
                .build();
    }

    private static void sleep(String expected) {
        try {
            Thread.sleep(POLL_INTERVAL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("Interrupted waiting for " + expected, e);
        }
    }
}
