package dev.provisioning.provisioner;

import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.MalformedMessageException;
import java.time.Duration;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Splits failures into the two classes the batch processor acts on: permanent (dead-letter now,
 * never retry) and transient (retry with backoff until the queue's redrive policy gives up).
 *
 * <p>When unsure, transient: a retry costs a delay, a wrong permanent verdict costs a manual
 * redrive. Configuration errors (access denied, missing table) are transient on purpose: they heal
 * when the wiring is fixed, which is exactly the incident this project exists to survive.
 */
final class FailureClassifier {

    /**
     * The reason prefix of a configuration failure: a fault every record hits until an operator fixes the wiring
     * (an unverified SES sender, a refused user-service key, access denied). Retried, never dead-lettered per user.
     */
    static final String CONFIGURATION_PREFIX = "CONFIGURATION_";

    /** A classified failure; {@code message} is safe to log and to attach to a DLQ message. */
    record Failure(boolean permanent, String reason, String message, Duration notBefore) {}

    /** Service errors that say the function's wiring is wrong: every record hits them until it is fixed. */
    private static final Set<String> CONFIGURATION_ERRORS = Set.of(
            "AccessDenied",
            "AccessDeniedException",
            "UnrecognizedClientException",
            "InvalidClientTokenId",
            "ResourceNotFoundException",
            "AWS.SimpleQueueService.NonExistentQueue",
            "QueueDoesNotExist",
            // SES: sending paused (for the account, e.g. after a review of its bounce or complaint rate, or for the
            // configuration set), the configuration set missing, the MAIL FROM domain not verified.
            "AccountSendingPausedException",
            "ConfigurationSetSendingPausedException",
            "ConfigurationSetDoesNotExist",
            "MailFromDomainNotVerifiedException");

    private static final Set<String> PERMANENT_SERVICE_ERRORS =
            Set.of("MessageRejected", "InvalidParameterValue", "ValidationException", "SerializationException");

    Failure classify(Throwable error) {
        if (error instanceof MalformedMessageException e) {
            return new Failure(true, e.reason().name(), redact(e.getMessage()), Duration.ZERO);
        }
        if (error instanceof PermanentFailureException e) {
            return new Failure(true, e.reason(), redact(e.getMessage()), Duration.ZERO);
        }
        if (error instanceof TransientFailureException e) {
            return new Failure(false, e.reason(), redact(e.getMessage()), e.notBefore());
        }
        if (error instanceof ApiCallTimeoutException || error instanceof ApiCallAttemptTimeoutException) {
            return transientFailure("TIMEOUT", error);
        }
        if (error instanceof AwsServiceException e) {
            String code =
                    e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.isThrottlingException()) {
                return transientFailure("THROTTLED", error);
            }
            if (e.statusCode() >= 500) {
                return transientFailure("SERVICE_ERROR", error);
            }
            if (code != null && CONFIGURATION_ERRORS.contains(code)) {
                return transientFailure(CONFIGURATION_PREFIX + code.replace('.', '_'), error);
            }
            if (code != null && PERMANENT_SERVICE_ERRORS.contains(code)) {
                return new Failure(true, "REJECTED_" + code, describe(error), Duration.ZERO);
            }
            return transientFailure("CLIENT_ERROR", error);
        }
        if (error instanceof SdkClientException) {
            return transientFailure("NETWORK", error);
        }
        return transientFailure("UNEXPECTED", error);
    }

    /** Whether a failure is one of the deployment's, which every record hits until an operator fixes it. */
    static boolean isConfiguration(Failure failure) {
        return !failure.permanent() && failure.reason().startsWith(CONFIGURATION_PREFIX);
    }

    private static Failure transientFailure(String reason, Throwable error) {
        return new Failure(false, reason, describe(error), Duration.ZERO);
    }

    private static String describe(Throwable error) {
        return error.getClass().getSimpleName() + ": " + redact(String.valueOf(error.getMessage()));
    }

    /** Service messages can quote addresses (SES does); nothing that looks like one leaves here. */
    static String redact(String message) {
        return message == null ? "" : EmailAddresses.redact(message);
    }
}
