package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    /** Always the top of the jitter range, so the exponential ceiling is visible. */
    private final RetryBackoff ceiling =
            new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60), bound -> bound);

    @Test
    void delay_whenReceiveCountGrows_doublesUpToTheCap() {
        assertThat(ceiling.delay(1, Duration.ZERO)).isEqualTo(Duration.ofSeconds(2));
        assertThat(ceiling.delay(2, Duration.ZERO)).isEqualTo(Duration.ofSeconds(4));
        assertThat(ceiling.delay(4, Duration.ZERO)).isEqualTo(Duration.ofSeconds(16));
        assertThat(ceiling.delay(10, Duration.ZERO)).isEqualTo(Duration.ofSeconds(60));
        assertThat(ceiling.delay(1000, Duration.ZERO)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void delay_whenNotBeforeIsLonger_waitsAtLeastThat() {
        RetryBackoff zero = new RetryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(60), bound -> 0);

        assertThat(zero.delay(3, Duration.ofSeconds(45))).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void delay_withFullJitter_staysWithinZeroAndCeiling() {
        RetryBackoff jittered = RetryBackoff.withFullJitter(Duration.ofSeconds(2), Duration.ofSeconds(60));

        for (int i = 0; i < 1000; i++) {
            assertThat(jittered.delay(3, Duration.ZERO)).isBetween(Duration.ZERO, Duration.ofSeconds(8));
        }
    }

    @Test
    void delay_whenBaseTimesTwoToTheNOverflows_staysAtTheCap() {
        RetryBackoff huge = new RetryBackoff(Duration.ofDays(200), Duration.ofHours(11), bound -> bound);

        assertThat(huge.delay(31, Duration.ZERO)).isEqualTo(Duration.ofHours(11));
    }

    @Test
    void delay_whenCapOrNotBeforeBeyondSqsLimit_isClampedBelowTwelveHours() {
        RetryBackoff ceilingHigh = new RetryBackoff(Duration.ofSeconds(1), Duration.ofHours(48), bound -> bound);

        assertThat(ceilingHigh.delay(30, Duration.ZERO)).isEqualTo(RetryBackoff.MAX_DELAY);
        assertThat(ceiling.delay(1, Duration.ofHours(13))).isEqualTo(RetryBackoff.MAX_DELAY);
        assertThat(RetryBackoff.MAX_DELAY).isLessThan(Duration.ofHours(12));
    }

    @Test
    void visibilitySeconds_whenFractionOfASecond_roundsUp() {
        assertThat(BatchProcessor.visibilitySeconds(Duration.ofMillis(900))).isEqualTo(1);
        assertThat(BatchProcessor.visibilitySeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(BatchProcessor.visibilitySeconds(Duration.ZERO)).isZero();
        assertThat(BatchProcessor.visibilitySeconds(Duration.ofDays(2))).isEqualTo(11 * 3600);
    }
}
