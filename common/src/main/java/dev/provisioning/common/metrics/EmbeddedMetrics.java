package dev.provisioning.common.metrics;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.provisioning.common.MetricNames;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes CloudWatch Embedded Metric Format (EMF) lines to stdout, so a function records metrics
 * without a PutMetricData call on its path: Lambda ships stdout to CloudWatch Logs, which extracts
 * the metrics. For the trigger, whose 5-second budget has no room for a second AWS call.
 *
 * <p>One call of {@link #emit} writes one JSON line: the {@code _aws} metadata (timestamp, namespace,
 * one dimension set, the metric definitions), the dimension values and the metric values at the
 * root. Every line carries the {@code function} dimension. Stateless apart from the stream it
 * writes to, which the caller owns; safe to share between threads.
 */
public final class EmbeddedMetrics {

    /** The specification's limit of metric definitions in one directive. */
    public static final int MAX_METRICS = 100;

    /** The specification's limit of dimensions in one dimension set. */
    public static final int MAX_DIMENSIONS = 30;

    private static final JsonFactory JSON = new JsonFactory();

    /** CloudWatch units used here (a subset of CloudWatch's {@code StandardUnit}). */
    public enum Unit {
        COUNT("Count"),
        MILLISECONDS("Milliseconds");

        private final String cloudWatchName;

        Unit(String cloudWatchName) {
            this.cloudWatchName = cloudWatchName;
        }

        public String cloudWatchName() {
            return cloudWatchName;
        }
    }

    /** One value of one metric. */
    public record Metric(String name, Unit unit, double value) {

        public Metric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(unit, "unit of " + name);
            if (name.isEmpty() || name.length() > 255) {
                throw new IllegalArgumentException("Metric names have 1-255 characters: " + name);
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("Metric " + name + " needs a finite value, got " + value);
            }
        }
    }

    private final MetricsSettings settings;
    private final PrintStream out;
    private final Clock clock;

    private EmbeddedMetrics(MetricsSettings settings, PrintStream out, Clock clock) {
        this.settings = settings;
        this.out = out;
        this.clock = clock;
    }

    /** A writer to any stream, for tests and tools. */
    public static EmbeddedMetrics create(MetricsSettings settings, PrintStream out, Clock clock) {
        return new EmbeddedMetrics(settings, out, clock);
    }

    /** Writes one line with these metrics and only the {@code function} dimension. */
    public void emit(Metric... metrics) {
        emit(Map.of(), List.of(metrics));
    }

    /**
     * Writes one line.
     *
     * @param dimensions dimensions besides {@code function} (e.g. {@code outcome}); never user data
     * @throws IllegalArgumentException when the line would break the specification's limits
     */
    public void emit(Map<String, String> dimensions, List<Metric> metrics) {
        String line = line(dimensions, metrics);
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    /** The EMF document {@link #emit} would write, without writing it. */
    public String line(Map<String, String> dimensions, List<Metric> metrics) {
        return line(dimensions, metrics, Map.of());
    }

    /**
     * Like {@link #line(Map, List)}, with extra members at the root that are logged but are neither
     * dimensions nor metrics (the specification lets a document carry such target members), e.g. a
     * request id that ties the line to the invocation. A {@code null} value is left out. Never user
     * data such as an email address: the line is a log line.
     *
     * @throws IllegalArgumentException when a property collides with a dimension, a metric or
     *     {@code _aws}, or the line would break the specification's limits
     */
    public String line(Map<String, String> dimensions, List<Metric> metrics, Map<String, String> properties) {
        Map<String, String> allDimensions = new LinkedHashMap<>();
        allDimensions.put(MetricNames.DIMENSION_FUNCTION, settings.functionName());
        dimensions.forEach((name, value) -> allDimensions.put(
                Objects.requireNonNull(name, "dimension name"), Objects.requireNonNull(value, "value of " + name)));
        validate(allDimensions, metrics);
        for (String property : properties.keySet()) {
            boolean collides = property.isEmpty() || property.equals("_aws") || allDimensions.containsKey(property);
            for (Metric metric : metrics) {
                collides |= metric.name().equals(property);
            }
            if (collides) {
                throw new IllegalArgumentException(
                        "Property " + property + " is empty or collides with _aws, a dimension or a metric");
            }
        }
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", clock.millis());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", settings.namespace());
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            for (String name : allDimensions.keySet()) {
                json.writeString(name);
            }
            json.writeEndArray();
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            for (Metric metric : metrics) {
                json.writeStartObject();
                json.writeStringField("Name", metric.name());
                json.writeStringField("Unit", metric.unit().cloudWatchName());
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            for (Map.Entry<String, String> dimension : allDimensions.entrySet()) {
                json.writeStringField(dimension.getKey(), dimension.getValue());
            }
            for (Metric metric : metrics) {
                json.writeNumberField(metric.name(), metric.value());
            }
            for (Map.Entry<String, String> property : properties.entrySet()) {
                if (property.getValue() != null) {
                    json.writeStringField(property.getKey(), property.getValue());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Writing to a string cannot fail", e);
        }
        return text.toString();
    }

    private static void validate(Map<String, String> dimensions, List<Metric> metrics) {
        if (metrics.isEmpty() || metrics.size() > MAX_METRICS) {
            throw new IllegalArgumentException(
                    "An EMF line holds 1-" + MAX_METRICS + " metrics, got " + metrics.size());
        }
        if (dimensions.size() > MAX_DIMENSIONS) {
            throw new IllegalArgumentException(
                    "An EMF dimension set holds at most " + MAX_DIMENSIONS + " dimensions, got " + dimensions.size());
        }
        Set<String> names = new HashSet<>();
        for (Metric metric : metrics) {
            if (!names.add(metric.name())
                    || dimensions.containsKey(metric.name())
                    || metric.name().equals("_aws")) {
                throw new IllegalArgumentException("Metric name " + metric.name()
                        + " is repeated or collides with a dimension; each is a member of the line's root");
            }
        }
        for (Map.Entry<String, String> dimension : dimensions.entrySet()) {
            if (dimension.getKey().isEmpty()
                    || dimension.getKey().equals("_aws")
                    || dimension.getValue().isEmpty()) {
                throw new IllegalArgumentException(
                        "Invalid dimension " + dimension.getKey() + "=" + dimension.getValue());
            }
        }
    }
}
