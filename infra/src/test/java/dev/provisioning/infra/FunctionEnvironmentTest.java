package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.FunctionEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stack sets each function's environment from {@link FunctionEnvironment}, the list the functions' own tests
 * hold them to: nothing they would not read (a typo, a renamed variable), and everything they require.
 */
class FunctionEnvironmentTest {

    @TempDir
    Path dir;

    @Test
    void trigger_whenSynthesized_setsOnlyNamesItReadsAndEveryOneItRequires() {
        Set<String> names = variables(StackFixture.synth(StackFixture.defaultSettings(dir)), true);

        assertThat(FunctionEnvironment.TRIGGER).containsAll(names);
        assertThat(names).containsAll(FunctionEnvironment.TRIGGER_REQUIRED);
    }

    @Test
    void provisioner_whenEveryOptionIsSet_setsOnlyNamesItReadsAndEveryOneItRequires() {
        StackSettings defaults = StackFixture.defaultSettings(dir);
        StackSettings withUserService = StackSettings.fromContext(
                key -> switch (key) {
                    case StackSettings.SENDER_ADDRESS -> StackFixture.SENDER;
                    case StackSettings.TRIGGER_JAR -> defaults.triggerJar().toString();
                    case StackSettings.PROVISIONER_JAR ->
                        defaults.provisionerJar().toString();
                    case StackSettings.USER_SERVICE_URL -> "https://users.example.com/accounts";
                    default -> null;
                },
                dir);

        for (StackSettings settings : new StackSettings[] {defaults, withUserService}) {
            Set<String> names = variables(StackFixture.synth(settings), false);

            assertThat(FunctionEnvironment.PROVISIONER).containsAll(names);
            assertThat(names).containsAll(FunctionEnvironment.PROVISIONER_REQUIRED);
        }
        assertThat(variables(StackFixture.synth(withUserService), false))
                .contains(FunctionEnvironment.USER_SERVICE_URL);
    }

    @SuppressWarnings("unchecked")
    private static Set<String> variables(StackFixture fx, boolean trigger) {
        var function = trigger ? fx.stack().getTriggerFunction() : fx.stack().getProvisionerFunction();
        Map<String, Object> environment =
                (Map<String, Object>) fx.properties(fx.logicalId(function)).get("Environment");
        return ((Map<String, Object>) environment.get("Variables")).keySet();
    }
}
