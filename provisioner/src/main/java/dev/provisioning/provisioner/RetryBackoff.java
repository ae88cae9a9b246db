package dev.provisioning.provisioner;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter, driven by SQS's {@code ApproximateReceiveCount}: the
 * n-th failed receive waits a uniformly random time in {@code [0, min(cap, base * 2^(n-1))]}, so
 * a burst of failures spreads out instead of retrying in lockstep.
 */
final class RetryBackoff {

    /** SQS refuses visibility timeouts above 12 hours. */
    static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    private final Duration base;
    private final Duration cap;
    private final LongUnaryOperator random;

    /**
     * @param random returns a uniform value in {@code [0, bound]} for a bound in milliseconds
     */
    RetryBackoff(Duration base, Duration cap, LongUnaryOperator random) {
        this.base = base;
        this.cap = cap.compareTo(MAX_VISIBILITY) > 0 ? MAX_VISIBILITY : cap;
        this.random = random;
    }

    static RetryBackoff withFullJitter(Duration base, Duration cap) {
        return new RetryBackoff(base, cap, bound -> java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(bound + 1));
    }

    /** The delay before the next delivery of a message received {@code receiveCount} times. */
    Duration delay(int receiveCount, Duration notBefore) {
        int exponent = Math.min(Math.max(receiveCount, 1) - 1, 30);
        long ceiling = Math.min(cap.toMillis(), base.toMillis() * (1L << exponent));
        Duration jittered = Duration.ofMillis(random.applyAsLong(Math.max(ceiling, 0)));
        Duration delay = jittered.compareTo(notBefore) < 0 ? notBefore : jittered;
        return delay.compareTo(MAX_VISIBILITY) > 0 ? MAX_VISIBILITY : delay;
    }
}
