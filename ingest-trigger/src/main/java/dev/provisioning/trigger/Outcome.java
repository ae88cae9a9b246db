package dev.provisioning.trigger;

/** What happened to one PostConfirmation event: {@link ConfirmationIngest} decides it, {@link TriggerReporter} counts it. */
enum Outcome {
    ENQUEUED,
    SKIPPED,
    ENQUEUE_FAILED
}
