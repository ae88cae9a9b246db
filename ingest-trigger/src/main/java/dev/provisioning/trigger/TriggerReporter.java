package dev.provisioning.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.logging.LogContext;
import dev.provisioning.common.metrics.EmbeddedMetrics;
import dev.provisioning.common.metrics.MetricsSettings;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Everything the trigger tells CloudWatch, without an API call on its 5-second path: one Embedded
 * Metric Format line per invocation on stdout, and a JSON log line on stderr for what an operator
 * must know about (a failed enqueue, an event it ignored). Lambda sends both streams to the
 * function's log group; EMF needs no client and no background thread, so nothing is lost when Lambda
 * freezes the sandbox right after the invocation returns.
 *
 * <p>Lines carry the request id, the pool id and the sub, never an email address or any other user
 * attribute. Every method is guarded: a report that fails (a broken stream, a class missing from the
 * minimized jar) is dropped, never turned into a failed sign-up.
 */
final class TriggerReporter {

    /** The {@code logger} field of the trigger's JSON lines. */
    static final String LOGGER = "dev.provisioning.trigger";

    private static final JsonFactory JSON = new JsonFactory();

    /** Lambda sends stderr to CloudWatch Logs; a logging framework would only add classes to load. */
    private final Consumer<String> log;

    private final Consumer<String> metricSink;
    private final EmbeddedMetrics metrics;
    private final Clock clock;

    TriggerReporter(Consumer<String> log, Consumer<String> metricSink, MetricsSettings settings, Clock clock) {
        this.log = log;
        this.metricSink = metricSink;
        this.clock = clock;
        // Only line() is used: the sink decides where the line goes.
        this.metrics = EmbeddedMetrics.create(settings, System.out, clock);
    }

    /**
     * The invocation's one EMF line: {@code trigger.enqueued}, {@code trigger.skipped} and {@code
     * trigger.enqueue.failed} (1 for what happened, 0 for the others, so Sum counts events and
     * SampleCount counts invocations) and {@code trigger.duration}, with only the {@code function}
     * dimension, which is what the alarm matches. Request id, pool id, sub and outcome ride along as
     * plain members, so the line also says which sign-up it was.
     */
    void invocation(Outcome outcome, String requestId, String poolId, String sub, double durationMillis) {
        guarded(() -> {
            Map<String, String> properties = new LinkedHashMap<>();
            properties.put(LogContext.REQUEST_ID, requestId);
            properties.put(LogContext.POOL_ID, poolId);
            properties.put(LogContext.SUB, sub);
            properties.put("outcome", outcome.name());
            metricSink.accept(metrics.line(
                    Map.of(),
                    List.of(
                            count(MetricNames.TRIGGER_ENQUEUED, outcome == Outcome.ENQUEUED),
                            count(MetricNames.TRIGGER_SKIPPED, outcome == Outcome.SKIPPED),
                            count(MetricNames.TRIGGER_ENQUEUE_FAILED, outcome == Outcome.ENQUEUE_FAILED),
                            new EmbeddedMetrics.Metric(
                                    MetricNames.TRIGGER_DURATION,
                                    EmbeddedMetrics.Unit.MILLISECONDS,
                                    Math.max(0, durationMillis))),
                    properties));
        });
    }

    /** The ERROR line of a failed enqueue: what reconcile will have to heal, and why. */
    void enqueueFailed(
            EnqueueFailurePolicy policy, String requestId, String poolId, String sub, String reason, Throwable cause) {
        String message = policy == EnqueueFailurePolicy.FAIL_CLOSED
                ? "Enqueue failed, the trigger returns an error to Cognito (fail-closed)"
                : "Enqueue failed, sign-up proceeds (fail-open)";
        guarded(() -> {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("policy", policy.name());
            fields.put("reason", reason);
            if (cause != null) {
                fields.put("error", cause.getClass().getSimpleName() + ": " + safeMessage(cause.getMessage()));
                if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
                    fields.put("errorCode", service.awsErrorDetails().errorCode());
                }
            }
            log.accept(line("ERROR", message, requestId, poolId, sub, fields));
        });
    }

    /** A WARN line for an event whose trigger source this trigger does not handle. */
    void ignored(String requestId, String triggerSource, String poolId) {
        guarded(() -> log.accept(line(
                "WARN",
                "Ignored an event with an unexpected trigger source",
                requestId,
                poolId,
                null,
                Map.of("triggerSource", String.valueOf(triggerSource)))));
    }

    /**
     * A WARN line for a confirmed user whose {@code email} attribute is not a plausible address
     * (federated mappings are not validated): enqueued without an email. The address is not logged.
     */
    void emailDropped(String requestId, String poolId, String sub) {
        guarded(() -> log.accept(line(
                "WARN",
                "The email attribute is not a plausible address; enqueued without an email (account, no"
                        + " welcome email)",
                requestId,
                poolId,
                sub,
                Map.of())));
    }

    /** A WARN line for priming or a credential refresh that failed: the first event pays instead. */
    void warmUpFailed(String message, Throwable cause) {
        guarded(() -> log.accept(line(
                "WARN",
                message,
                null,
                null,
                null,
                Map.of("error", cause.getClass().getSimpleName() + ": " + safeMessage(cause.getMessage())))));
    }

    /** One JSON log line, with the correlation fields every line of the pipeline carries. */
    private String line(
            String level, String message, String requestId, String poolId, String sub, Map<String, String> fields)
            throws IOException {
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("timestamp", clock.instant().toString());
            json.writeStringField("level", level);
            json.writeStringField("logger", LOGGER);
            json.writeStringField("message", message);
            json.writeStringField(LogContext.REQUEST_ID, requestId);
            json.writeStringField(LogContext.POOL_ID, poolId);
            json.writeStringField(LogContext.SUB, sub);
            for (Map.Entry<String, String> field : fields.entrySet()) {
                json.writeStringField(field.getKey(), field.getValue());
            }
            json.writeEndObject();
        }
        return text.toString();
    }

    /**
     * An exception's message for the log. SDK messages name the endpoint, never the request body;
     * a message with an {@code @} in it is withheld rather than risk logging an address.
     */
    static String safeMessage(String message) {
        if (message == null) {
            return "";
        }
        return message.indexOf('@') >= 0 ? "(message withheld: it contains '@')" : message.replace('\n', ' ');
    }

    private static EmbeddedMetrics.Metric count(String name, boolean happened) {
        return new EmbeddedMetrics.Metric(name, EmbeddedMetrics.Unit.COUNT, happened ? 1 : 0);
    }

    private interface Report {
        void run() throws IOException;
    }

    /**
     * Runs one report; if it fails, says so on stderr if even that works, and carries on: the event
     * still goes back to Cognito.
     */
    private static void guarded(Report report) {
        try {
            report.run();
        } catch (IOException | RuntimeException | LinkageError e) {
            try {
                System.err.println("{\"level\":\"WARN\",\"logger\":\"" + LOGGER
                        + "\",\"message\":\"Trigger report dropped\",\"error\":\""
                        + e.getClass().getName() + "\"}");
            } catch (RuntimeException | LinkageError ignored) {
                // Nothing left to report with.
            }
        }
    }
}
