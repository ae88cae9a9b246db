package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Backoff and visibility stay within SQS's limits (a visibility timeout of 0 to 43,200 s, counted from the receipt)
 * for any receive count, any configuration ProvisionerConfig accepts and any server-given earliest retry.
 */
class BackoffProperties {

    private static final long SQS_MAX_VISIBILITY_SECONDS = 43_200;

    @Property
    void delay_forAnyReceiveCountAndConfiguration_staysWithinTheCapAndSqsLimits(
            @ForAll int receiveCount,
            @ForAll @LongRange(min = 0, max = 39_600) long baseSeconds,
            @ForAll @LongRange(min = 0, max = 39_600) long capSeconds,
            @ForAll @LongRange(min = 0, max = 100_000_000) long notBeforeMillis,
            @ForAll @IntRange(min = 0, max = 2) int randomChoice) {
        Assume.that(baseSeconds <= capSeconds);
        RetryBackoff backoff = new RetryBackoff(
                Duration.ofSeconds(baseSeconds), Duration.ofSeconds(capSeconds), bound -> switch (randomChoice) {
                    case 0 -> 0;
                    case 1 -> bound;
                    default -> bound / 2;
                });

        Duration delay = backoff.delay(receiveCount, Duration.ofMillis(notBeforeMillis));

        assertThat(delay).isBetween(Duration.ZERO, RetryBackoff.MAX_DELAY);
        Duration cap = Duration.ofSeconds(capSeconds);
        Duration notBefore = Duration.ofMillis(notBeforeMillis);
        Duration ceiling = cap.compareTo(notBefore) > 0 ? cap : notBefore;
        assertThat(delay)
                .isLessThanOrEqualTo(ceiling.compareTo(RetryBackoff.MAX_DELAY) > 0 ? RetryBackoff.MAX_DELAY : ceiling);
        int visibility = BatchProcessor.visibilitySeconds(delay);
        assertThat((long) visibility).isBetween(0L, SQS_MAX_VISIBILITY_SECONDS);
        assertThat((long) visibility).isGreaterThanOrEqualTo(delay.toSeconds());
    }
}
