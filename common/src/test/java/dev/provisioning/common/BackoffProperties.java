package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class BackoffProperties {

    @Property
    void delay_staysWithinZeroAndTheCeilingWhichNeverPassesTheCapOrShrinks(
            @ForAll @LongRange(min = 0, max = 86_400_000) long baseMillis,
            @ForAll @LongRange(min = 0, max = 86_400_000) long capMillis,
            @ForAll @IntRange(min = Integer.MIN_VALUE, max = Integer.MAX_VALUE) int attempt) {
        Backoff backoff = Backoff.fullJitter(Duration.ofMillis(baseMillis), Duration.ofMillis(capMillis));

        Duration ceiling = backoff.ceiling(attempt);
        Duration delay = backoff.delay(attempt);

        assertThat(ceiling).isBetween(Duration.ZERO, Duration.ofMillis(Math.max(capMillis, 0)));
        assertThat(delay).isBetween(Duration.ZERO, ceiling);
        if (attempt < Integer.MAX_VALUE) {
            assertThat(backoff.ceiling(attempt + 1)).isGreaterThanOrEqualTo(ceiling);
        }
    }

    @Property
    void ceiling_doublesFromTheBaseUntilTheCap(@ForAll @IntRange(min = 1, max = 20) int attempt) {
        Backoff backoff = new Backoff(Duration.ofMillis(50), Duration.ofSeconds(2), bound -> bound);

        long expected = Math.min(2_000, 50L << (attempt - 1));

        assertThat(backoff.ceiling(attempt)).isEqualTo(Duration.ofMillis(expected));
        assertThat(backoff.delay(attempt)).isEqualTo(Duration.ofMillis(expected));
    }
}
