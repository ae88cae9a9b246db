package dev.provisioning.provisioner;

import dev.provisioning.common.Backoff;
import java.time.Duration;
import java.util.function.LongUnaryOperator;

/**
 * The {@link Backoff} of a failed record, driven by SQS's {@code ApproximateReceiveCount}: the n-th failed receive
 * waits a uniformly random time in {@code [0, min(cap, base * 2^(n-1))]}, never less than the caller's floor and
 * never past what SQS allows a visibility timeout to reach.
 */
final class RetryBackoff {

    /**
     * The longest delay: SQS refuses a visibility timeout that reaches past 12 hours from the
     * message's receipt, so keep an hour for the processing that came before.
     */
    static final Duration MAX_DELAY = Duration.ofHours(11);

    private final Backoff backoff;

    /**
     * @param random returns a uniform value in {@code [0, bound]} for a bound in milliseconds
     */
    RetryBackoff(Duration base, Duration cap, LongUnaryOperator random) {
        this.backoff = new Backoff(base, cap.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : cap, random);
    }

    static RetryBackoff withFullJitter(Duration base, Duration cap) {
        return new RetryBackoff(base, cap, bound -> java.util.concurrent.ThreadLocalRandom.current()
                .nextLong(bound + 1));
    }

    /** The delay before the next delivery of a message received {@code receiveCount} times. */
    Duration delay(int receiveCount, Duration notBefore) {
        Duration jittered = backoff.delay(receiveCount);
        Duration delay = jittered.compareTo(notBefore) < 0 ? notBefore : jittered;
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }
}
