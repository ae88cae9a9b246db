package dev.provisioning.provisioner;

import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter, driven by SQS's {@code ApproximateReceiveCount}: the
 * n-th failed receive waits a uniformly random time in {@code [0, min(cap, base * 2^(n-1))]}, so
 * a burst of failures spreads out instead of retrying in lockstep.
 */
final class RetryBackoff {

    /**
     * The longest delay: SQS refuses a visibility timeout that reaches past 12 hours from the
     * message's receipt, so keep an hour for the processing that came before.
     */
    static final Duration MAX_DELAY = Duration.ofHours(11);

    private final Duration base;
    private final Duration cap;
    private final LongUnaryOperator random;

    /**
     * @param random returns a uniform value in {@code [0, bound]} for a bound in milliseconds
     */
    RetryBackoff(Duration base, Duration cap, LongUnaryOperator random) {
        this.base = base;
        this.cap = cap.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : cap;
        this.random = random;
    }

    static RetryBackoff withFullJitter(Duration base, Duration cap) {
        return new RetryBackoff(base, cap, bound -> java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(bound + 1));
    }

    /** The delay before the next delivery of a message received {@code receiveCount} times. */
    Duration delay(int receiveCount, Duration notBefore) {
        int exponent = Math.min(Math.max(receiveCount, 1) - 1, 30);
        long baseMillis = base.toMillis();
        // base * 2^exponent, saturating: past the cap it no longer matters by how much.
        long ceiling = baseMillis > (cap.toMillis() >> exponent) ? cap.toMillis() : baseMillis << exponent;
        Duration jittered = Duration.ofMillis(random.applyAsLong(Math.max(ceiling, 0)));
        Duration delay = jittered.compareTo(notBefore) < 0 ? notBefore : jittered;
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }
}
