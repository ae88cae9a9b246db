package dev.provisioning.trigger;

import dev.provisioning.common.UserConfirmed;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Turns one PostConfirmation event into at most one SendMessage, within a time budget, and
 * applies the {@link EnqueueFailurePolicy} when that fails. Knows nothing of Lambda.
 *
 * <p>The budget is the invocation's remaining time minus a safety margin, capped. It bounds the
 * whole SDK call (the {@code apiCallTimeout}, which covers every attempt and every back-off
 * sleep of the client's standard retry strategy), and each attempt gets a third of it (at least
 * 100 ms), so a black-holed first attempt leaves room for a second.
 */
final class ConfirmationIngest {

    /** What happened to one event. */
    enum Outcome {
        ENQUEUED,
        SKIPPED,
        ENQUEUE_FAILED
    }

    private static final Duration MIN_ATTEMPT_TIMEOUT = Duration.ofMillis(100);
    private static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(
            "schemaVersion",
            MessageAttributeValue.builder()
                    .dataType("Number")
                    .stringValue(Integer.toString(UserConfirmed.SCHEMA_VERSION))
                    .build());

    private final SqsClient sqs;
    private final TriggerConfig config;
    private final EnqueueFailureReporter reporter;
    private final Clock clock;

    ConfirmationIngest(SqsClient sqs, TriggerConfig config, EnqueueFailureReporter reporter, Clock clock) {
        this.sqs = sqs;
        this.config = config;
        this.reporter = reporter;
        this.clock = clock;
    }

    /**
     * Handles one event. Under {@link EnqueueFailurePolicy#FAIL_OPEN} it never throws: any
     * {@link RuntimeException} or {@link LinkageError} on the way to the queue (an SDK failure, the
     * writer's {@code UncheckedIOException}, a class the minimized jar lacks) is reported and the
     * sign-up proceeds. Errors that are neither (out of memory, stack overflow) are left to Lambda.
     *
     * @param event the raw event, exactly as Cognito sent it
     * @param remaining the time left in this invocation
     * @throws EnqueueFailedException only under {@link EnqueueFailurePolicy#FAIL_CLOSED}
     */
    Outcome handle(byte[] event, Duration remaining) {
        PostConfirmationEvent confirmation = null;
        Outcome outcome;
        try {
            confirmation = PostConfirmationEvent.parse(event);
            outcome = process(confirmation, remaining);
        } catch (IOException e) {
            return failed(null, "event is not a JSON object", e);
        } catch (EnqueueFailedException e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            return failed(confirmation, "unexpected " + e.getClass().getSimpleName() + " on the enqueue path", e);
        }
        if (outcome == Outcome.ENQUEUED) {
            // Outside the try: the message is on the queue, so a failing metric must neither fail the
            // sign-up nor be counted as a failed enqueue.
            reporter.enqueued();
        }
        return outcome;
    }

    private Outcome process(PostConfirmationEvent confirmation, Duration remaining) {
        String source = confirmation.triggerSource();
        if (PostConfirmationEvent.CONFIRM_FORGOT_PASSWORD.equals(source)) {
            return Outcome.SKIPPED;
        }
        if (!PostConfirmationEvent.CONFIRM_SIGN_UP.equals(source)) {
            reporter.ignored(source, confirmation.userPoolId());
            return Outcome.SKIPPED;
        }
        String sub = confirmation.attribute("sub");
        if (confirmation.userPoolId() == null || sub == null || sub.isBlank()) {
            return failed(confirmation, "event lacks userPoolId or the sub attribute", null);
        }
        Duration budget = budget(remaining);
        if (budget.isZero()) {
            return failed(confirmation, "no time left in the invocation to enqueue", null);
        }
        String body = UserConfirmedWriter.write(toMessage(confirmation, sub));
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(config.queueUrl())
                    .messageBody(body)
                    .messageAttributes(ATTRIBUTES)
                    .overrideConfiguration(o -> o.apiCallTimeout(budget).apiCallAttemptTimeout(attemptTimeout(budget)))
                    .build());
        } catch (SdkException e) {
            return failed(confirmation, "SendMessage failed within a budget of " + budget.toMillis() + " ms", e);
        }
        return Outcome.ENQUEUED;
    }

    /** The enqueue budget: what is left minus the margin, never more than the configured cap. */
    Duration budget(Duration remaining) {
        Duration left = remaining.minus(config.safetyMargin());
        if (left.isNegative() || left.isZero()) {
            return Duration.ZERO;
        }
        return left.compareTo(config.enqueueTimeoutCap()) < 0 ? left : config.enqueueTimeoutCap();
    }

    /**
     * A third of the budget, so a hung first attempt leaves time for another, but at least 100 ms
     * (an SQS round trip needs that much headroom); a budget under 100 ms is one attempt's whole budget.
     */
    static Duration attemptTimeout(Duration budget) {
        Duration third = budget.dividedBy(3);
        if (third.compareTo(MIN_ATTEMPT_TIMEOUT) >= 0) {
            return third;
        }
        return budget.compareTo(MIN_ATTEMPT_TIMEOUT) < 0 ? budget : MIN_ATTEMPT_TIMEOUT;
    }

    private UserConfirmed toMessage(PostConfirmationEvent event, String sub) {
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                UserConfirmed.idempotencyKey(event.userPoolId(), sub),
                event.userPoolId(),
                event.userName(),
                sub,
                event.email(),
                event.booleanAttribute("email_verified"),
                event.displayName(),
                event.triggerSource(),
                clock.instant(),
                event.region(),
                event.clientId(),
                event.clientMetadata());
    }

    private Outcome failed(PostConfirmationEvent event, String why, Throwable cause) {
        String pool = event == null ? null : event.userPoolId();
        String sub = event == null ? null : event.attribute("sub");
        // Either way the user is CONFIRMED; the log line and the metric are how an operator finds it.
        reporter.report(config.failurePolicy(), pool, sub, why, cause);
        if (config.failurePolicy() == EnqueueFailurePolicy.FAIL_CLOSED) {
            // Cognito puts this message in the error its caller gets back ("PostConfirmation failed
            // with error ..."): it names nothing. The pool, sub and reason are in the log line above.
            throw new EnqueueFailedException(EnqueueFailedException.CLIENT_MESSAGE, cause);
        }
        return Outcome.ENQUEUE_FAILED;
    }

    /**
     * Raised under {@link EnqueueFailurePolicy#FAIL_CLOSED}, so Cognito reports the failure. Its
     * message reaches the signing-up client, so it is the same generic text for every failure.
     */
    static final class EnqueueFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /** The only message: no pool, sub, budget or cause text, which would reach the client. */
        static final String CLIENT_MESSAGE = "Account setup could not be started";

        EnqueueFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
