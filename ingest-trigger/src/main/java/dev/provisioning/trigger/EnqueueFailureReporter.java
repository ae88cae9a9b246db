package dev.provisioning.trigger;

import dev.provisioning.common.MetricNames;
import dev.provisioning.common.metrics.EmbeddedMetrics;
import dev.provisioning.common.metrics.MetricsSettings;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Reports a fail-open enqueue failure: one structured ERROR line naming the pool and the sub
 * (never the email or any other attribute), and one {@code trigger.enqueue.failed} count in
 * CloudWatch Embedded Metric Format on stdout (dimension {@code function}, as the alarm expects). EMF needs no client and no background thread, so the count
 * survives Lambda freezing the sandbox right after the invocation returns.
 */
final class EnqueueFailureReporter {

    /** Lambda sends stderr to CloudWatch Logs; a logging framework would only add classes to load. */
    private final Consumer<String> errorLog;

    private final Consumer<String> metricSink;
    private final EmbeddedMetrics metrics;

    EnqueueFailureReporter(
            Consumer<String> errorLog, Consumer<String> metricSink, MetricsSettings settings, Clock clock) {
        this.errorLog = errorLog;
        this.metricSink = metricSink;
        // Only line() is used: the sink decides where the line goes.
        this.metrics = EmbeddedMetrics.create(settings, System.out, clock);
    }

    /** Never throws: reporting must not turn a fail-open enqueue into a failed sign-up. */
    void report(EnqueueFailurePolicy policy, String userPoolId, String sub, String reason, Throwable cause) {
        String consequence = policy == EnqueueFailurePolicy.FAIL_CLOSED
                ? "the trigger returns an error to Cognito (fail-closed)"
                : "sign-up proceeds (fail-open)";
        guarded(() -> errorLog.accept("ERROR Enqueue failed, " + consequence + " userPoolId=" + userPoolId + " sub="
                + sub + " reason=\"" + reason + "\" error=" + describe(cause)));
        guarded(() -> metricSink.accept(emf(MetricNames.TRIGGER_ENQUEUE_FAILED)));
    }

    /** Counts a successful enqueue, so the dashboard shows the trigger's throughput. Never throws. */
    void enqueued() {
        guarded(() -> metricSink.accept(emf(MetricNames.TRIGGER_ENQUEUED)));
    }

    /** Never throws. */
    void ignored(String triggerSource, String userPoolId) {
        guarded(() -> errorLog.accept(
                "WARN Ignored event with unexpected triggerSource=" + triggerSource + " userPoolId=" + userPoolId));
    }

    /**
     * Runs one report; if it fails (a broken sink, a class missing from the minimized jar), says so
     * once on stderr if even that works, and carries on: the event still goes back to Cognito.
     */
    private static void guarded(Runnable report) {
        try {
            report.run();
        } catch (RuntimeException | LinkageError e) {
            try {
                System.err.println(
                        "WARN Trigger report dropped: " + e.getClass().getName());
            } catch (RuntimeException | LinkageError ignored) {
                // Nothing left to report with.
            }
        }
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

    /** One EMF line: the count, with the {@code function} dimension the infra alarm matches on. */
    private String emf(String metric) {
        return metrics.line(Map.of(), List.of(EmbeddedMetrics.Metric.one(metric)));
    }
}
