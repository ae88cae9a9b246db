package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {

    @Test
    void required_whenMissing_namesTheVariableAndItsMeaning() {
        Settings settings = Settings.of(Map.of());

        assertThatThrownBy(() -> settings.required("QUEUE_URL", "the provisioning queue"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("QUEUE_URL")
                .hasMessageContaining("the provisioning queue");
    }

    @Test
    void millis_whenNotANumber_failsWithTheValue() {
        Settings settings = Settings.of(Map.of("ENQUEUE_TIMEOUT_MS", "2s"));

        assertThatThrownBy(() -> settings.millis("ENQUEUE_TIMEOUT_MS", Duration.ofSeconds(2), Duration.ZERO))
                .hasMessageContaining("ENQUEUE_TIMEOUT_MS")
                .hasMessageContaining("2s");
    }

    @Test
    void aws_whenServiceEndpointSet_overridesOnlyThatService() {
        AwsSettings aws = Settings.of(
                        Map.of("AWS_REGION", "eu-central-1", "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9324"))
                .aws();

        assertThat(aws.region().id()).isEqualTo("eu-central-1");
        assertThat(aws.endpointFor("SQS")).contains(URI.create("http://127.0.0.1:9324"));
        assertThat(aws.endpointFor("DYNAMODB")).isEmpty();
    }

    @Test
    void aws_whenRegionMissing_failsFast() {
        assertThatThrownBy(() -> Settings.of(Map.of()).aws()).hasMessageContaining("AWS_REGION");
    }

    @Test
    void enumValue_whenUnknown_listsTheChoices() {
        Settings settings = Settings.of(Map.of("MODE", "sometimes"));

        assertThatThrownBy(() -> settings.enumValue("MODE", java.time.DayOfWeek.class, java.time.DayOfWeek.MONDAY))
                .hasMessageContaining("MONDAY");
    }
}
