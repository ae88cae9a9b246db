package dev.provisioning.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Checks the writer's lines against CloudWatch's "Specification: Embedded metric format": a JSON
 * object whose {@code _aws} holds a millisecond {@code Timestamp} and {@code CloudWatchMetrics}
 * directives ({@code Namespace}, {@code Dimensions} as arrays of dimension sets, {@code Metrics} with
 * {@code Name} and {@code Unit}); every referenced dimension and metric is a member of the root,
 * dimension values strings, metric values numbers; at most 100 metrics and 30 dimensions per set.
 */
class EmbeddedMetricsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00.123Z");
    private static final Set<String> STANDARD_UNITS = Set.of(
            "Seconds",
            "Microseconds",
            "Milliseconds",
            "Bytes",
            "Kilobytes",
            "Megabytes",
            "Gigabytes",
            "Terabytes",
            "Bits",
            "Kilobits",
            "Megabits",
            "Gigabits",
            "Terabits",
            "Percent",
            "Count",
            "Bytes/Second",
            "Kilobytes/Second",
            "Megabytes/Second",
            "Gigabytes/Second",
            "Terabytes/Second",
            "Bits/Second",
            "Kilobits/Second",
            "Megabits/Second",
            "Gigabits/Second",
            "Terabits/Second",
            "Count/Second",
            "None");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final EmbeddedMetrics emf = EmbeddedMetrics.create(
            new MetricsSettings("TestNamespace", "ingest-trigger"),
            new PrintStream(bytes, true, StandardCharsets.UTF_8),
            Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void emit_whenOneCount_writesOneLineThatFollowsTheSpecification() throws Exception {
        emf.emit(new EmbeddedMetrics.Metric(MetricNames.TRIGGER_ENQUEUED, EmbeddedMetrics.Unit.COUNT, 1));

        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode root = JSON.readTree(lines.get(0));
        assertConformsToSpecification(root);
        JsonNode directive = root.path("_aws").path("CloudWatchMetrics").get(0);
        assertThat(root.path("_aws").path("Timestamp").asLong()).isEqualTo(NOW.toEpochMilli());
        assertThat(directive.path("Namespace").asText()).isEqualTo("TestNamespace");
        assertThat(directive.path("Dimensions").get(0)).containsExactly(JSON.valueToTree("function"));
        assertThat(directive.path("Metrics").get(0).path("Name").asText()).isEqualTo("trigger.enqueued");
        assertThat(directive.path("Metrics").get(0).path("Unit").asText()).isEqualTo("Count");
        assertThat(root.path("function").asText()).isEqualTo("ingest-trigger");
        assertThat(root.path("trigger.enqueued").isNumber()).isTrue();
        assertThat(root.path("trigger.enqueued").asDouble()).isEqualTo(1.0);
    }

    @Test
    void emit_whenExtraDimensionsAndSeveralMetrics_putsAllValuesAtTheRoot() throws Exception {
        emf.emit(
                Map.of(MetricNames.DIMENSION_OUTCOME, "failed"),
                List.of(
                        new EmbeddedMetrics.Metric(MetricNames.TRIGGER_ENQUEUE_FAILED, EmbeddedMetrics.Unit.COUNT, 1),
                        new EmbeddedMetrics.Metric("trigger.enqueue.duration", EmbeddedMetrics.Unit.MILLISECONDS, 42)));

        JsonNode root = JSON.readTree(lines().get(0));
        assertConformsToSpecification(root);
        assertThat(root.path("outcome").asText()).isEqualTo("failed");
        assertThat(root.path("trigger.enqueue.duration").asDouble()).isEqualTo(42.0);
        assertThat(root.path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Dimensions")
                        .get(0))
                .hasSize(2);
    }

    @Test
    void emit_whenHundredMetrics_staysWithinTheLimit() throws Exception {
        List<EmbeddedMetrics.Metric> metrics = IntStream.range(0, EmbeddedMetrics.MAX_METRICS)
                .mapToObj(i -> new EmbeddedMetrics.Metric("m" + i, EmbeddedMetrics.Unit.COUNT, 1))
                .toList();

        emf.emit(Map.of(), metrics);

        assertConformsToSpecification(JSON.readTree(lines().get(0)));
    }

    @Test
    void emit_whenMoreThanHundredMetrics_throwsAndWritesNothing() {
        List<EmbeddedMetrics.Metric> metrics = IntStream.range(0, EmbeddedMetrics.MAX_METRICS + 1)
                .mapToObj(i -> new EmbeddedMetrics.Metric("m" + i, EmbeddedMetrics.Unit.COUNT, 1))
                .toList();

        assertThatThrownBy(() -> emf.emit(Map.of(), metrics)).isInstanceOf(IllegalArgumentException.class);
        assertThat(bytes.size()).isZero();
    }

    @Test
    void emit_whenMoreThanThirtyDimensions_throws() {
        Map<String, String> dimensions = new LinkedHashMap<>();
        IntStream.range(0, EmbeddedMetrics.MAX_DIMENSIONS).forEach(i -> dimensions.put("d" + i, "v"));

        assertThatThrownBy(() ->
                        emf.emit(dimensions, List.of(new EmbeddedMetrics.Metric("m", EmbeddedMetrics.Unit.COUNT, 1))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("30");
    }

    @Test
    void emit_whenMetricNameCollidesWithDimension_throws() {
        assertThatThrownBy(() -> emf.emit(
                        new EmbeddedMetrics.Metric(MetricNames.DIMENSION_FUNCTION, EmbeddedMetrics.Unit.COUNT, 1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void line_whenPropertiesGiven_writesThemAtTheRootAsPlainMembers() throws Exception {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("requestId", "req-1");
        properties.put("outcome", "ENQUEUED");
        properties.put("sub", null);

        String line = emf.line(
                Map.of(),
                List.of(
                        new EmbeddedMetrics.Metric(MetricNames.TRIGGER_ENQUEUED, EmbeddedMetrics.Unit.COUNT, 1),
                        new EmbeddedMetrics.Metric(
                                MetricNames.TRIGGER_DURATION, EmbeddedMetrics.Unit.MILLISECONDS, 3.5)),
                properties);

        JsonNode root = JSON.readTree(line);
        assertConformsToSpecification(root);
        assertThat(root.path("requestId").asText()).isEqualTo("req-1");
        assertThat(root.path("outcome").asText()).isEqualTo("ENQUEUED");
        assertThat(root.has("sub")).isFalse();
        assertThat(root.path(MetricNames.TRIGGER_DURATION).asDouble()).isEqualTo(3.5);
        // A property is not a dimension: the dimension set stays what the alarms match on.
        assertThat(root.path("_aws")
                        .path("CloudWatchMetrics")
                        .get(0)
                        .path("Dimensions")
                        .get(0))
                .containsExactly(JSON.valueToTree(MetricNames.DIMENSION_FUNCTION));
    }

    @Test
    void line_whenPropertyCollidesWithMetricOrDimension_throws() {
        List<EmbeddedMetrics.Metric> metrics = List.of(new EmbeddedMetrics.Metric("m", EmbeddedMetrics.Unit.COUNT, 1));

        assertThatThrownBy(() -> emf.line(Map.of(), metrics, Map.of("m", "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emf.line(Map.of(), metrics, Map.of(MetricNames.DIMENSION_FUNCTION, "x")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> emf.line(Map.of(), metrics, Map.of("_aws", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metric_whenValueIsNotFinite_throws() {
        assertThatThrownBy(() -> new EmbeddedMetrics.Metric("m", EmbeddedMetrics.Unit.COUNT, Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void metricsSettings_whenUnset_defaultsToTheProjectNamespace() {
        MetricsSettings settings = MetricsSettings.from(Settings.of(Map.of()));

        assertThat(settings.namespace()).isEqualTo(MetricNames.DEFAULT_NAMESPACE);
        assertThat(settings.functionName()).isEqualTo("local");
    }

    @Test
    void metricsSettings_whenSet_readsNamespaceAndFunctionName() {
        MetricsSettings settings = MetricsSettings.from(
                Settings.of(Map.of("METRICS_NAMESPACE", "Other", "AWS_LAMBDA_FUNCTION_NAME", "prod-provisioner")));

        assertThat(settings).isEqualTo(new MetricsSettings("Other", "prod-provisioner"));
    }

    private List<String> lines() {
        return bytes.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The specification's rules, checked on a parsed line. */
    private static void assertConformsToSpecification(JsonNode root) {
        assertThat(root.isObject()).isTrue();
        JsonNode aws = root.path("_aws");
        assertThat(aws.isObject()).as("_aws metadata object").isTrue();
        assertThat(aws.path("Timestamp").isIntegralNumber())
                .as("_aws.Timestamp in epoch milliseconds")
                .isTrue();
        JsonNode directives = aws.path("CloudWatchMetrics");
        assertThat(directives.isArray()).isTrue();
        assertThat(directives).isNotEmpty();
        for (JsonNode directive : directives) {
            String namespace = directive.path("Namespace").asText();
            assertThat(namespace).isNotEmpty().hasSizeLessThanOrEqualTo(255);
            JsonNode dimensionSets = directive.path("Dimensions");
            assertThat(dimensionSets.isArray()).isTrue();
            for (JsonNode set : dimensionSets) {
                assertThat(set.isArray()).isTrue();
                assertThat(set.size()).isLessThanOrEqualTo(30);
                for (JsonNode dimension : set) {
                    assertThat(root.path(dimension.asText()).isTextual())
                            .as("dimension %s is a string member of the root", dimension.asText())
                            .isTrue();
                }
            }
            JsonNode metrics = directive.path("Metrics");
            assertThat(metrics.isArray()).isTrue();
            assertThat(metrics.size()).isBetween(1, 100);
            Set<String> names = new HashSet<>();
            List<String> problems = new ArrayList<>();
            for (JsonNode metric : metrics) {
                String name = metric.path("Name").asText();
                assertThat(name).isNotEmpty().hasSizeLessThanOrEqualTo(255);
                assertThat(names.add(name)).as("metric %s defined once", name).isTrue();
                if (metric.has("Unit")
                        && !STANDARD_UNITS.contains(metric.path("Unit").asText())) {
                    problems.add(name + " has unit " + metric.path("Unit"));
                }
                assertThat(root.path(name).isNumber())
                        .as("value of %s is a number at the root", name)
                        .isTrue();
            }
            assertThat(problems).isEmpty();
        }
    }
}
