package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
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
        // 2 invocations of 1 record: 10 sends/s of the 14 allowed (3 would plan 15).
        assertThat(new SendingRate(14).maxConcurrency()).isEqualTo(2);
        assertThat(new SendingRate(14).batchConcurrency()).isEqualTo(1);
        assertThat(new SendingRate(505).maxConcurrency()).isEqualTo(10);
        assertThat(new SendingRate(50).batchConcurrency()).isEqualTo(5);
        assertThat(new SendingRate(50).maxConcurrency()).isEqualTo(2);
        assertThat(new SendingRate(500).batchConcurrency()).isEqualTo(10);
        assertThat(new SendingRate(500).maxConcurrency()).isEqualTo(10);
        assertThat(new SendingRate(50).batchSize(30)).isEqualTo(10);
        assertThat(new SendingRate(1_000_000 / 10.0).maxConcurrency()).isEqualTo(1000);
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
