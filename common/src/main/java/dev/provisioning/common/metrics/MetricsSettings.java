package dev.provisioning.common.metrics;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;

/**
 * Where a function's custom metrics go: the namespace ({@code METRICS_NAMESPACE}, default {@value
 * MetricNames#DEFAULT_NAMESPACE}) and the {@code function} dimension ({@code AWS_LAMBDA_FUNCTION_NAME},
 * which Lambda sets; {@code "local"} outside Lambda).
 *
 * @param namespace the CloudWatch namespace
 * @param functionName the value of the {@code function} dimension
 */
public record MetricsSettings(String namespace, String functionName) {

    public static MetricsSettings from(Settings settings) {
        return new MetricsSettings(
                settings.optional(FunctionEnvironment.METRICS_NAMESPACE).orElse(MetricNames.DEFAULT_NAMESPACE),
                settings.optional(FunctionEnvironment.AWS_LAMBDA_FUNCTION_NAME).orElse("local"));
    }
}
