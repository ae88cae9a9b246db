package dev.provisioning.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Turns one PostConfirmation event into at most one SendMessage, within a time budget, and
 * applies the {@link EnqueueFailurePolicy} when that fails. Knows nothing of Lambda.
 */
final class ConfirmationIngest {

    private static final Logger log = LoggerFactory.getLogger(ConfirmationIngest.class);

    /** What happened to one event. */
    enum Outcome {
        ENQUEUED,
        SKIPPED,
        ENQUEUE_FAILED
    }

    private final SqsClient sqs;
    private final TriggerConfig config;
    private final UserConfirmedCodec codec;
    private final ObjectMapper mapper;
    private final Clock clock;

    ConfirmationIngest(SqsClient sqs, TriggerConfig config, UserConfirmedCodec codec, Clock clock) {
        this.sqs = sqs;
        this.config = config;
        this.codec = codec;
        this.mapper = new ObjectMapper();
        this.clock = clock;
    }

    /**
     * Handles one event.
     *
     * @param event the raw event, exactly as Cognito sent it
     * @param remaining the time left in this invocation
     * @throws EnqueueFailedException only under {@link EnqueueFailurePolicy#FAIL_CLOSED}
     */
    Outcome handle(byte[] event, Duration remaining) {
        PostConfirmationEvent confirmation;
        try {
            JsonNode root = mapper.readTree(event);
            if (root == null || !root.isObject()) {
                return failed(null, "event is not a JSON object", null);
            }
            confirmation = new PostConfirmationEvent(root);
        } catch (IOException e) {
            return failed(null, "event is not JSON", e);
        }
        String source = confirmation.triggerSource();
        if (PostConfirmationEvent.CONFIRM_FORGOT_PASSWORD.equals(source)) {
            return Outcome.SKIPPED;
        }
        if (!PostConfirmationEvent.CONFIRM_SIGN_UP.equals(source)) {
            log.warn("Ignored event with unexpected triggerSource={} userPoolId={}", source, confirmation.userPoolId());
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
        UserConfirmed message = toMessage(confirmation, sub);
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(config.queueUrl())
                    .messageBody(codec.encode(message))
                    .messageAttributes(java.util.Map.of(
                            "schemaVersion",
                            MessageAttributeValue.builder()
                                    .dataType("Number")
                                    .stringValue(Integer.toString(UserConfirmed.SCHEMA_VERSION))
                                    .build()))
                    .overrideConfiguration(o -> o.apiCallTimeout(budget).apiCallAttemptTimeout(attemptTimeout(budget)))
                    .build());
            return Outcome.ENQUEUED;
        } catch (SdkException e) {
            return failed(confirmation, "SendMessage failed within " + budget.toMillis() + " ms", e);
        }
    }

    /** The enqueue budget: what is left minus the margin, never more than the configured cap. */
    Duration budget(Duration remaining) {
        Duration left = remaining.minus(config.safetyMargin());
        if (left.isNegative() || left.isZero()) {
            return Duration.ZERO;
        }
        return left.compareTo(config.enqueueTimeoutCap()) < 0 ? left : config.enqueueTimeoutCap();
    }

    /** Leaves room for at least one retry inside the budget when the first attempt hangs. */
    private static Duration attemptTimeout(Duration budget) {
        Duration third = budget.dividedBy(3);
        return third.compareTo(Duration.ofMillis(100)) < 0 ? budget : third;
    }

    private UserConfirmed toMessage(PostConfirmationEvent event, String sub) {
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                UserConfirmed.idempotencyKey(event.userPoolId(), sub),
                event.userPoolId(),
                event.userName(),
                sub,
                event.attribute("email"),
                event.booleanAttribute("email_verified"),
                event.displayName(),
                event.triggerSource(),
                clock.instant(),
                event.region(),
                event.clientId(),
                event.clientMetadata());
    }

    private Outcome failed(PostConfirmationEvent event, String why, Exception cause) {
        String pool = event == null ? null : event.userPoolId();
        String sub = event == null ? null : event.attribute("sub");
        if (config.failurePolicy() == EnqueueFailurePolicy.FAIL_CLOSED) {
            throw new EnqueueFailedException(
                    "Could not enqueue confirmation of sub=" + sub + " in userPoolId=" + pool + ": " + why, cause);
        }
        // Fail open: the user is CONFIRMED regardless; this line and the metric are how reconcile finds it.
        log.error(
                "Enqueue failed, sign-up proceeds (fail-open) userPoolId={} sub={} reason=\"{}\" error={}",
                pool,
                sub,
                why,
                cause == null ? "none" : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        return Outcome.ENQUEUE_FAILED;
    }

    /** Raised under {@link EnqueueFailurePolicy#FAIL_CLOSED}, so Cognito reports the failure. */
    static final class EnqueueFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EnqueueFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
