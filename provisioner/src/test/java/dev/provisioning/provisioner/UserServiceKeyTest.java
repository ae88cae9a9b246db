package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

class UserServiceKeyTest {

    private static ProvisionerConfig config(Map<String, String> extra) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "AWS_REGION", "eu-central-1",
                "QUEUE_URL", "https://sqs.eu-central-1.amazonaws.com/1/q",
                "DLQ_URL", "https://sqs.eu-central-1.amazonaws.com/1/dlq",
                "TABLE_NAME", "accounts",
                "SENDER_ADDRESS", "no-reply@example.com"));
        environment.putAll(extra);
        return ProvisionerConfig.from(Settings.of(environment));
    }

    private static SecretsManagerClient unreachable() {
        return SecretsManagerClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(2)))
                .build();
    }

    @Test
    void resolve_whenAPlainKeyIsSetForARemoteService_refusesToStart() {
        ProvisionerConfig config =
                config(Map.of("USER_SERVICE_URL", "https://users.example.com/api", "USER_SERVICE_API_KEY", "plain"));

        assertThatThrownBy(() -> UserServiceKey.resolve(config, UserServiceKeyTest::unreachable))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("USER_SERVICE_API_KEY_SECRET_ARN");
    }

    @Test
    void resolve_whenAPlainKeyIsForALoopbackService_usesIt() {
        ProvisionerConfig config =
                config(Map.of("USER_SERVICE_URL", "http://127.0.0.1:8080/api", "USER_SERVICE_API_KEY", "local"));

        assertThat(UserServiceKey.resolve(config, UserServiceKeyTest::unreachable))
                .contains("local");
    }

    @Test
    void resolve_whenTheSecretCannotBeRead_failsAtInitNamingTheSecretAndTheFix() {
        ProvisionerConfig config = config(Map.of(
                "USER_SERVICE_URL", "https://users.example.com/api",
                "USER_SERVICE_API_KEY_SECRET_ARN", "arn:aws:secretsmanager:eu-central-1:1:secret:key"));

        assertThatThrownBy(() -> UserServiceKey.resolve(config, UserServiceKeyTest::unreachable))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("arn:aws:secretsmanager:eu-central-1:1:secret:key")
                .hasMessageContaining("secretsmanager:GetSecretValue");
    }

    @Test
    void config_whenTheUserServiceIsPlainHttpOffLoopback_refusesToStart() {
        assertThatThrownBy(() -> config(Map.of("USER_SERVICE_URL", "http://users.example.com/api")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("https");
    }

    @Test
    void config_whenTheReserveIsBelowOneRecordsWorstCase_refusesToStart() {
        // The defaults (10 s calls, 60 s lease) make one record up to 60 s: a 5 s reserve could cut one off.
        assertThatThrownBy(() -> config(Map.of("RECORD_TIME_RESERVE_MS", "5000")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("RECORD_TIME_RESERVE_MS");
    }

    @Test
    void config_whenTheFunctionTimeoutCannotHoldOneRecord_refusesToStart() {
        assertThatThrownBy(() -> config(Map.of("FUNCTION_TIMEOUT_SECONDS", "30")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("FUNCTION_TIMEOUT_SECONDS");
        ProvisionerConfig fits = config(Map.of(
                "FUNCTION_TIMEOUT_SECONDS",
                "30",
                "AWS_API_CALL_TIMEOUT_MS",
                "3000",
                "EMAIL_CLAIM_LEASE_SECONDS",
                "20"));
        assertThat(fits.recordTimeReserve()).isEqualTo(Duration.ofSeconds(19));
    }
}
