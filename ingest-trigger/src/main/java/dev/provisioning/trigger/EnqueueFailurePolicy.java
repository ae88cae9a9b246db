package dev.provisioning.trigger;

/**
 * What the trigger does when a confirmation cannot be enqueued within its budget.
 *
 * <p>Cognito does not roll a confirmation back when PostConfirmation fails: the user is
 * CONFIRMED either way. Failing therefore only changes what the signing-up client sees.
 */
public enum EnqueueFailurePolicy {
    /** Log a structured error and count it, then return the event: sign-up proceeds; reconcile heals. */
    FAIL_OPEN,
    /** Throw, so Cognito reports UnexpectedLambdaException to the client, which may retry. */
    FAIL_CLOSED
}
