package dev.provisioning.ops.reconcile;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces sends {@code 1/perSecond} apart from the start of one send to the next, so a slow send
 * does not also earn a full pause.
 */
final class Pacer {
    private final long intervalNanos;
    private long next = Long.MIN_VALUE;

    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    Pacer(double perSecond, Sleeper sleeper, LongSupplier nanoTime) {
        this.intervalNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    void acquire() {
        if (intervalNanos == 0) {
            return;
        }
        long now = nanoTime.getAsLong();
        long start = next == Long.MIN_VALUE ? now : Math.max(next, now);
        if (start > now) {
            sleeper.pause(Duration.ofNanos(start - now));
        }
        next = start + intervalNanos;
    }
}
