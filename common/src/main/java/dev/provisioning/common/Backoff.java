package dev.provisioning.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * Exponential backoff with full jitter, as AWS advises for retries: attempt {@code n} (from 1) waits a uniformly
 * random time in {@code [0, min(cap, base * 2^(n-1))]}, so that clients failing together do not retry together.
 * The ceiling saturates at the cap instead of overflowing, whatever the attempt.
 */
public final class Backoff {

    private final Duration base;
    private final Duration cap;
    private final LongUnaryOperator random;

    /**
     * @param random a uniform value in {@code [0, bound]} for a bound in milliseconds (a seam for tests)
     */
    public Backoff(Duration base, Duration cap, LongUnaryOperator random) {
        if (base.isNegative() || cap.isNegative()) {
            throw new IllegalArgumentException("backoff base and cap must not be negative: " + base + ", " + cap);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** Full jitter from {@link ThreadLocalRandom}. */
    public static Backoff fullJitter(Duration base, Duration cap) {
        return new Backoff(base, cap, bound -> ThreadLocalRandom.current().nextLong(bound + 1));
    }

    /** The longest wait of attempt {@code attempt} (attempts below 1 count as 1). */
    public Duration ceiling(int attempt) {
        int exponent = Math.min(Math.max(attempt, 1) - 1, 62);
        long baseMillis = base.toMillis();
        long capMillis = cap.toMillis();
        // base * 2^exponent, saturating: past the cap it no longer matters by how much.
        long ceiling = baseMillis > (capMillis >> exponent) ? capMillis : baseMillis << exponent;
        return Duration.ofMillis(Math.max(ceiling, 0));
    }

    /** A random wait before attempt {@code attempt + 1}, at most {@link #ceiling(int)}. */
    public Duration delay(int attempt) {
        return Duration.ofMillis(random.applyAsLong(ceiling(attempt).toMillis()));
    }
}
