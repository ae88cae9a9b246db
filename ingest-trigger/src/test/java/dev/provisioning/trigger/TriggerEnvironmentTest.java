package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.common.logging.JsonLoggingProvider;
import dev.provisioning.common.metrics.MetricsSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The trigger reads exactly {@link FunctionEnvironment#TRIGGER}, the list infra and the harness set it from. */
class TriggerEnvironmentTest {

    private static final Map<String, String> REQUIRED = Map.of(
            FunctionEnvironment.QUEUE_URL, "https://sqs.eu-west-1.amazonaws.com/123456789012/signups",
            // The fallback name, so that the lookup of AWS_REGION before it is seen too.
            FunctionEnvironment.AWS_DEFAULT_REGION, "eu-west-1");

    /** What the trigger reads at start-up: its configuration, its metrics settings and its log level. */
    private static Settings readAtStartUp(Map<String, String> environment) {
        Settings settings = Settings.of(environment);
        TriggerConfig.from(settings);
        MetricsSettings.from(settings);
        JsonLoggingProvider.level(settings);
        return settings;
    }

    @Test
    void startUp_whenOnlyTheRequiredAreSet_readsExactlyTheListedNames() {
        Settings settings = readAtStartUp(REQUIRED);

        assertThat(settings.namesRead().stream()
                        .filter(name -> !name.startsWith("AWS_ENDPOINT_URL"))
                        .collect(Collectors.toSet()))
                .containsExactlyInAnyOrderElementsOf(FunctionEnvironment.TRIGGER);
    }

    @Test
    void startUp_whenARequiredNameIsMissing_failsNamingIt() {
        for (String name : FunctionEnvironment.TRIGGER_REQUIRED) {
            Map<String, String> environment = new HashMap<>(REQUIRED);
            environment.remove(name);
            assertThatThrownBy(() -> readAtStartUp(environment))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(name);
        }
    }
}
