package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SendingRateTest {

    @Test
    void sizes_atTheSandboxRate_lambdasMinimumConcurrencyAndSmallBatches() {
        SendingRate sandbox = new SendingRate(1);

        assertThat(sandbox.maxConcurrency()).isEqualTo(2);
        assertThat(sandbox.batchSize(30)).isEqualTo(8);
    }

    @Test
    void sizes_atProductionRates_concurrencyFollowsTheRate() {
        assertThat(new SendingRate(14).maxConcurrency()).isEqualTo(3);
        assertThat(new SendingRate(50).maxConcurrency()).isEqualTo(10);
        assertThat(new SendingRate(50).batchSize(30)).isEqualTo(10);
        assertThat(new SendingRate(1_000_000 / 10.0).maxConcurrency()).isEqualTo(1000);
    }

    @Property
    void sizes_forAnyRate_stayWithinLambdasLimitsAndNeverOutpaceTheRateAboveTheFloor(
            @ForAll @DoubleRange(min = 0.01, max = 100_000) double rate,
            @ForAll @IntRange(min = 10, max = 900) int timeout) {
        SendingRate sendingRate = new SendingRate(rate);

        assertThat(sendingRate.maxConcurrency()).isBetween(2, 1000);
        assertThat(sendingRate.batchSize(timeout)).isBetween(1, SendingRate.MAX_BATCH);
        // Above Lambda's floor of 2, the invocations' combined pace (one record per MIN_RECORD_SECONDS each) is within
        // one invocation of the rate.
        if (sendingRate.maxConcurrency() > 2 && sendingRate.maxConcurrency() < 1000) {
            assertThat((sendingRate.maxConcurrency() - 1) / SendingRate.MIN_RECORD_SECONDS)
                    .isLessThan(rate);
        }
    }

    @Test
    void fromContext_whenTheRateIsSet_itSizesTheEventSourceUnlessGivenExplicitly(@TempDir Path dir) {
        StackSettings derived = StackFixture.settings(dir, Map.of(StackSettings.SES_SENDING_RATE, "1"));
        StackSettings explicit = StackFixture.settings(
                dir, Map.of(StackSettings.SES_SENDING_RATE, "1", StackSettings.MAX_CONCURRENCY, "7"));

        assertThat(derived.maxConcurrency()).isEqualTo(2);
        assertThat(derived.batchSize()).isEqualTo(8);
        assertThat(explicit.maxConcurrency()).isEqualTo(7);
    }

    @Test
    void fromContext_whenTheWelcomeEmailIsConfigured_theProvisionerGetsIt(@TempDir Path dir) {
        StackSettings settings = StackFixture.settings(
                dir,
                Map.of(
                        StackSettings.WelcomeEmail.PRODUCT_NAME, "Acme",
                        StackSettings.WelcomeEmail.SIGN_IN_URL, "https://app.example.com/",
                        StackSettings.WelcomeEmail.DEFAULT_LOCALE, "de"));

        assertThat(settings.welcomeEmail())
                .isEqualTo(new StackSettings.WelcomeEmail("Acme", "https://app.example.com/", null, "de"));
        assertThatThrownBy(() -> StackFixture.settings(
                        dir, Map.of(StackSettings.WelcomeEmail.SIGN_IN_URL, "http://app.example.com/")))
                .hasMessageContaining("signInUrl");
    }

    @Test
    void parse_whenNotAPositiveNumber_namesTheContextKey() {
        assertThatThrownBy(() -> SendingRate.parse("fast")).hasMessageContaining("sesSendingRate");
        assertThatThrownBy(() -> SendingRate.parse("0")).hasMessageContaining("sesSendingRate");
    }
}
