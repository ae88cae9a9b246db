package dev.provisioning.ops.reconcile;

import java.time.Duration;

/** Waits; a seam so tests check pacing and backoff without waiting. */
interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** Sleeps; an interruption stops the run (the counts so far are reported) and keeps the flag set. */
    default void pause(Duration duration) {
        try {
            sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reconciling", e);
        }
    }
}
