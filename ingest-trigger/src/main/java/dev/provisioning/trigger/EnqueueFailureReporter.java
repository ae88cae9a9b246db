package dev.provisioning.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Reports a fail-open enqueue failure: one structured ERROR line naming the pool and the sub
 * (never the email or any other attribute), and one {@code EnqueueFailed} count in CloudWatch
 * Embedded Metric Format on stdout. EMF needs no client and no background thread, so the count
 * survives Lambda freezing the sandbox right after the invocation returns.
 */
final class EnqueueFailureReporter {

    static final String NAMESPACE = "CognitoProvisioning";
    static final String METRIC = "EnqueueFailed";

    private static final JsonFactory JSON = new JsonFactory();

    /** Lambda sends stderr to CloudWatch Logs; a logging framework would only add classes to load. */
    private final Consumer<String> errorLog;

    private final Consumer<String> metricSink;
    private final Clock clock;

    EnqueueFailureReporter(Consumer<String> errorLog, Consumer<String> metricSink, Clock clock) {
        this.errorLog = errorLog;
        this.metricSink = metricSink;
        this.clock = clock;
    }

    void report(String userPoolId, String sub, String reason, Throwable cause) {
        errorLog.accept("ERROR Enqueue failed, sign-up proceeds (fail-open) userPoolId=" + userPoolId + " sub=" + sub
                + " reason=\"" + reason + "\" error=" + describe(cause));
        metricSink.accept(emf(userPoolId));
    }

    void ignored(String triggerSource, String userPoolId) {
        errorLog.accept(
                "WARN Ignored event with unexpected triggerSource=" + triggerSource + " userPoolId=" + userPoolId);
    }

    /** The exception's type and message only: SDK messages name the endpoint, never the request body. */
    private static String describe(Throwable cause) {
        if (cause == null) {
            return "none";
        }
        String message = cause.getMessage() == null ? "" : cause.getMessage().replace('\n', ' ');
        String code = cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? "[" + service.awsErrorDetails().errorCode() + "]"
                : "";
        return cause.getClass().getSimpleName() + code + ": \"" + message.replace('"', '\'') + "\"";
    }

    private String emf(String userPoolId) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeObjectFieldStart("_aws");
            json.writeNumberField("Timestamp", clock.millis());
            json.writeArrayFieldStart("CloudWatchMetrics");
            json.writeStartObject();
            json.writeStringField("Namespace", NAMESPACE);
            json.writeArrayFieldStart("Dimensions");
            json.writeStartArray();
            json.writeString("UserPoolId");
            json.writeEndArray();
            json.writeEndArray();
            json.writeArrayFieldStart("Metrics");
            json.writeStartObject();
            json.writeStringField("Name", METRIC);
            json.writeStringField("Unit", "Count");
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeEndArray();
            json.writeEndObject();
            json.writeStringField("UserPoolId", userPoolId == null ? "unknown" : userPoolId);
            json.writeNumberField(METRIC, 1);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
