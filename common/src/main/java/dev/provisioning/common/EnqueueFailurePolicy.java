package dev.provisioning.common;

/**
 * What the trigger does when a confirmation cannot be enqueued within its budget: the value of its
 * {@code ENQUEUE_FAILURE_POLICY} variable, which infra sets.
 *
 * <p>Cognito does not roll a confirmation back when PostConfirmation fails: the user is
 * CONFIRMED either way. Failing therefore only changes what the signing-up client sees.
 */
public enum EnqueueFailurePolicy {
    /** Log a structured error and count it, then return the event: sign-up proceeds; reconcile heals. */
    FAIL_OPEN,
    /**
     * Log and count as above, then throw a generic error, which Cognito turns into an error for the
     * ConfirmSignUp caller. The user is CONFIRMED all the same: a retried ConfirmSignUp fails and does
     * not run the trigger again, so reconcile heals this case too.
     */
    FAIL_CLOSED
}
