package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.StackOutputs;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --stack NAME} reads these outputs: the stack must export every one, under exactly these names. */
class StackOutputsTest {

    @Test
    @SuppressWarnings("unchecked")
    void outputs_whenSynthesized_holdEveryNameTheOperatorsToolsRead(@TempDir Path dir) {
        StackFixture fx = StackFixture.synth(StackFixture.defaultSettings(dir));
        Map<String, Object> outputs = (Map<String, Object>) fx.json().get("Outputs");

        List<String> names = Arrays.stream(StackOutputs.class.getFields())
                .filter(field -> Modifier.isStatic(field.getModifiers()) && field.getType() == String.class)
                .map(StackOutputsTest::value)
                .toList();

        assertThat(names).hasSizeGreaterThanOrEqualTo(11);
        assertThat(outputs).containsKeys(names.toArray(String[]::new));
        assertThat(((Map<String, Object>) outputs.get(StackOutputs.SENDER_ADDRESS)).get("Value"))
                .isEqualTo(StackFixture.SENDER);
        assertThat(((Map<String, Object>) outputs.get(StackOutputs.USER_SERVICE)).get("Value"))
                .isEqualTo("false");
    }

    private static String value(Field field) {
        try {
            return (String) field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
