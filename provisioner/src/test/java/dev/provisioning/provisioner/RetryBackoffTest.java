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
}
