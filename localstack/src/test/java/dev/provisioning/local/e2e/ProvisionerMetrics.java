package dev.provisioning.local.e2e;

import dev.provisioning.common.MetricNames;
import dev.provisioning.local.LocalPipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/** Reads the provisioner's metrics back from the local pipeline's CloudWatch (moto). */
final class ProvisionerMetrics {

    private ProvisionerMetrics() {}

    /**
     * The statistic of a provisioner metric over the last minutes, summed over its data points;
     * {@code outcome} selects that dimension's value, or null for a metric without it.
     */
    static double sum(LocalPipeline pipeline, String namespace, String metricName, String statistic, String outcome) {
        List<Dimension> dimensions = new ArrayList<>();
        dimensions.add(Dimension.builder()
                .name(MetricNames.DIMENSION_FUNCTION)
                .value(LocalPipeline.PROVISIONER_FUNCTION)
                .build());
        if (outcome != null) {
            dimensions.add(Dimension.builder()
                    .name(MetricNames.DIMENSION_OUTCOME)
                    .value(outcome)
                    .build());
        }
        Instant now = Instant.now();
        List<MetricDataResult> results = pipeline.aws()
                .cloudWatch()
                .getMetricData(b -> b.startTime(now.minus(Duration.ofMinutes(15)))
                        .endTime(now.plus(Duration.ofMinutes(5)))
                        .metricDataQueries(MetricDataQuery.builder()
                                .id("m")
                                .metricStat(
                                        stat -> stat.period(60).stat(statistic).metric(metric -> metric.namespace(
                                                        namespace)
                                                .metricName(metricName)
                                                .dimensions(dimensions)))
                                .build()))
                .metricDataResults();
        return results.stream()
                .flatMap(r -> r.values().stream())
                .mapToDouble(Double::doubleValue)
                .sum();
    }
}
