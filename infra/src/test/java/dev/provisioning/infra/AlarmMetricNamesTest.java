package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.MetricNames;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every custom-metric alarm reads a name the functions emit: one of common's {@link MetricNames} constants. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AlarmMetricNamesTest {

    private StackFixture fx;

    @BeforeAll
    void synth(@TempDir Path dir) {
        fx = StackFixture.synth(StackFixture.defaultSettings(dir));
    }

    @Test
    void alarms_whenInTheProjectNamespace_useOnlyCommonMetricNameConstants() throws Exception {
        Set<String> constants = constants(MetricNames.class);
        constants.addAll(constants(MetricNames.Published.class));

        List<Map<String, Object>> custom = fx.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                .map(AlarmMetricNamesTest::properties)
                .filter(p -> MetricNames.DEFAULT_NAMESPACE.equals(p.get("Namespace")))
                .toList();

        assertThat(custom).hasSizeGreaterThanOrEqualTo(2);
        assertThat(custom).allSatisfy(p -> assertThat(constants).contains((String) p.get("MetricName")));
        assertThat(custom)
                .allSatisfy(p -> assertThat(p.get("Dimensions").toString()).contains(MetricNames.DIMENSION_FUNCTION));
    }

    @Test
    void alarms_whenOnLatency_useAStatisticCloudWatchCanComputeFromAggregates() {
        assertThat(fx.resourcesOfType("AWS::CloudWatch::Alarm").stream()
                        .map(AlarmMetricNamesTest::properties)
                        .filter(p -> MetricNames.Published.LATENCY_MAX.equals(p.get("MetricName"))))
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.get("Statistic")).isEqualTo("Maximum");
                    assertThat(p).doesNotContainKey("ExtendedStatistic");
                });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> properties(Map<String, Object> resource) {
        return (Map<String, Object>) resource.get("Properties");
    }

    private static Set<String> constants(Class<?> type) throws IllegalAccessException {
        Set<String> values = new HashSet<>();
        for (Field field : type.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
                values.add((String) field.get(null));
            }
        }
        return values;
    }
}
