package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.FunctionEnvironment;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The user-service key is a secret only the provisioner may read; the URL must be https. */
class UserServiceSecretStackTest {

    @TempDir
    Path dir;

    private StackSettings settings(Map<String, String> extra) {
        StackSettings defaults = StackFixture.defaultSettings(dir);
        return StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> StackFixture.SENDER;
                    case StackSettings.TRIGGER_JAR -> defaults.triggerJar().toString();
                    case StackSettings.PROVISIONER_JAR ->
                        defaults.provisionerJar().toString();
                    default -> extra.get(key);
                },
                dir);
    }

    @Test
    @SuppressWarnings("unchecked")
    void stack_whenAUserServiceIsSet_createsItsKeySecretAndGrantsReadToTheProvisionerOnly() {
        StackFixture fx = StackFixture.synth(
                settings(Map.of(StackSettings.USER_SERVICE_URL, "https://users.example.com/api/v1/users")));

        assertThat(fx.resourcesOfType("AWS::SecretsManager::Secret")).hasSize(1);
        String secretId = fx.resources().entrySet().stream()
                .filter(e -> "AWS::SecretsManager::Secret".equals(((Map<String, Object>) e.getValue()).get("Type")))
                .map(Map.Entry::getKey)
                .findFirst()
                .orElseThrow();
        Map<String, Object> environment = (Map<String, Object>)
                ((Map<String, Object>) fx.properties(fx.logicalId(fx.stack().getProvisionerFunction()))
                                .get("Environment"))
                        .get("Variables");
        assertThat(environment.get(FunctionEnvironment.USER_SERVICE_API_KEY_SECRET_ARN))
                .isEqualTo(Map.of("Ref", secretId));
        assertThat(environment).doesNotContainKey(FunctionEnvironment.USER_SERVICE_API_KEY);
        String provisionerRole = fx.logicalId(fx.stack().getProvisionerRole());
        String triggerRole = fx.logicalId(fx.stack().getTriggerRole());
        assertThat(StackFixture.grants(fx.statementsOf(provisionerRole))).anySatisfy(grant -> {
            assertThat(grant.action()).isEqualTo("secretsmanager:GetSecretValue");
            assertThat(grant.resource()).isEqualTo(Map.of("Ref", secretId));
        });
        assertThat(StackFixture.grants(fx.statementsOf(triggerRole)))
                .noneMatch(grant -> grant.action().startsWith("secretsmanager:"));
    }

    @Test
    void settings_whenTheUserServiceIsPlainHttp_refuseIt() {
        assertThatThrownBy(() -> settings(Map.of(StackSettings.USER_SERVICE_URL, "http://users.example.com/api")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("https");
    }
}
