package dev.provisioning.trigger;

import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedProducer;
import dev.provisioning.common.UserConfirmedWriter;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Turns one PostConfirmation event into at most one SendMessage, within a time budget, and
 * applies the {@link EnqueueFailurePolicy} when that fails. Knows nothing of Lambda.
 *
 * <p>The budget is the invocation's remaining time minus a safety margin, capped, and on the first
 * invocation of a sandbox also what is left of Cognito's 5 s after the init or restore it waited
 * for ({@link ColdStart}), minus the same margin. It bounds the whole SDK call (the {@code apiCallTimeout}, which covers every attempt and every back-off
 * sleep of the client's standard retry strategy), and each attempt gets a third of it (at least
 * 100 ms), so a black-holed first attempt leaves room for a second.
 */
final class ConfirmationIngest {

    private static final Duration MIN_ATTEMPT_TIMEOUT = Duration.ofMillis(100);
    private static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(
            UserConfirmed.SCHEMA_VERSION_ATTRIBUTE,
            MessageAttributeValue.builder()
                    .dataType("Number")
                    .stringValue(Integer.toString(UserConfirmed.SCHEMA_VERSION))
                    .build());

    private final SqsClient sqs;
    private final TriggerConfig config;
    private final TriggerReporter reporter;
    private final Clock clock;
    private final ColdStart coldStart;

    ConfirmationIngest(
            SqsClient sqs, TriggerConfig config, TriggerReporter reporter, Clock clock, ColdStart coldStart) {
        this.sqs = sqs;
        this.config = config;
        this.reporter = reporter;
        this.clock = clock;
        this.coldStart = coldStart;
    }

    /**
     * Handles one event and writes its one metrics line. Under {@link EnqueueFailurePolicy#FAIL_OPEN}
     * it never throws: any {@link RuntimeException} or {@link LinkageError} on the way to the queue
     * (an SDK failure, the writer's {@code UncheckedIOException}, a class the minimized jar lacks) is
     * reported and the sign-up proceeds. Errors that are neither (out of memory, stack overflow) are
     * left to Lambda.
     *
     * @param event the raw event, exactly as Cognito sent it
     * @param remaining the time left in this invocation
     * @param requestId the Lambda request id, for the log and metric lines
     * @throws EnqueueFailedException only under {@link EnqueueFailurePolicy#FAIL_CLOSED}
     */
    Outcome handle(byte[] event, Duration remaining, String requestId) {
        long started = System.nanoTime();
        Invocation invocation = new Invocation();
        Outcome outcome;
        try {
            Duration waitedBefore = coldStart.takeElapsed(clock.millis());
            outcome = process(event, remaining, waitedBefore, requestId, invocation);
        } catch (RuntimeException | LinkageError e) {
            outcome = invocation.failed("unexpected " + e.getClass().getSimpleName() + " on the enqueue path", e);
        }
        // Reports are guarded and outside the try: once the message is on the queue, a failing
        // metric neither fails the sign-up nor counts as a failed enqueue.
        String pool = invocation.poolId();
        String sub = invocation.sub();
        if (outcome == Outcome.ENQUEUE_FAILED) {
            // Either policy: the user is CONFIRMED; this line and the metric are how an operator finds it.
            reporter.enqueueFailed(config.failurePolicy(), requestId, pool, sub, invocation.reason, invocation.cause);
        }
        reporter.invocation(outcome, requestId, pool, sub, (System.nanoTime() - started) / 1e6);
        if (outcome == Outcome.ENQUEUE_FAILED && config.failurePolicy() == EnqueueFailurePolicy.FAIL_CLOSED) {
            // Cognito puts this message in the error its caller gets back ("PostConfirmation failed
            // with error ..."): it names nothing. The pool, sub and reason are in the log line above.
            throw new EnqueueFailedException(EnqueueFailedException.CLIENT_MESSAGE, invocation.cause);
        }
        return outcome;
    }

    private Outcome process(
            byte[] event, Duration remaining, Duration waitedBefore, String requestId, Invocation invocation) {
        PostConfirmationEvent confirmation;
        try {
            confirmation = PostConfirmationEvent.parse(event);
        } catch (IOException e) {
            return invocation.failed("event is not a JSON object", e);
        }
        invocation.event = confirmation;
        String source = confirmation.triggerSource();
        if (PostConfirmationEvent.CONFIRM_FORGOT_PASSWORD.equals(source)) {
            return Outcome.SKIPPED;
        }
        if (!PostConfirmationEvent.CONFIRM_SIGN_UP.equals(source)) {
            reporter.ignored(requestId, source, confirmation.userPoolId());
            return Outcome.SKIPPED;
        }
        Optional<UserConfirmedProducer.Produced> produced = UserConfirmedProducer.produce(
                confirmation.toCognitoUser(), UUID.randomUUID().toString(), clock.instant());
        if (produced.isEmpty()) {
            return invocation.failed("event lacks userPoolId or the sub attribute", null);
        }
        UserConfirmed message = produced.get().message();
        if (produced.get().emailDropped()) {
            // Federated IdPs map whatever they like into email, and Cognito does not validate it: without an
            // email the user gets the account and no welcome email.
            reporter.emailDropped(requestId, message.userPoolId(), message.sub());
        }
        Duration budget = budget(remaining, waitedBefore);
        if (budget.isZero()) {
            return invocation.failed("no time left in the invocation to enqueue", null);
        }
        String body = UserConfirmedWriter.write(message);
        try {
            sqs.sendMessage(SendMessageRequest.builder()
                    .queueUrl(config.queueUrl())
                    .messageBody(body)
                    .messageAttributes(ATTRIBUTES)
                    .overrideConfiguration(o -> o.apiCallTimeout(budget).apiCallAttemptTimeout(attemptTimeout(budget)))
                    .build());
        } catch (SdkException e) {
            return invocation.failed("SendMessage failed within a budget of " + budget.toMillis() + " ms", e);
        }
        return Outcome.ENQUEUED;
    }

    /**
     * The enqueue budget: the least of what is left of the invocation and what is left of Cognito's
     * 5 s after {@code waitedBefore} (the init or restore this invocation's caller waited for), minus
     * the margin, never more than the configured cap; zero when nothing is left.
     */
    Duration budget(Duration remaining, Duration waitedBefore) {
        Duration cognitoLeft = ColdStart.COGNITO_TIMEOUT.minus(waitedBefore);
        Duration left = (remaining.compareTo(cognitoLeft) < 0 ? remaining : cognitoLeft).minus(config.safetyMargin());
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

    /** What one invocation learnt on its way, for the reports. */
    private static final class Invocation {
        PostConfirmationEvent event;
        String reason;
        Throwable cause;

        Outcome failed(String why, Throwable failure) {
            this.reason = why;
            this.cause = failure;
            return Outcome.ENQUEUE_FAILED;
        }

        String poolId() {
            return event == null ? null : event.userPoolId();
        }

        String sub() {
            return event == null ? null : event.attribute("sub");
        }
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
