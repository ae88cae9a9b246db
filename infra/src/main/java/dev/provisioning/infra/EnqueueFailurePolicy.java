package dev.provisioning.infra;

/**
 * What the ingest trigger does when it cannot enqueue: the value of its {@code ENQUEUE_FAILURE_POLICY} variable.
 */
public enum EnqueueFailurePolicy {
    /** Log, count and return the event: the sign-up succeeds and the reconciler heals the missing account. */
    FAIL_OPEN,
    /** Throw: Cognito reports the confirmation as failed to the client (the user stays confirmed). */
    FAIL_CLOSED
}
