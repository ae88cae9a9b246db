package dev.provisioning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the whole benchmark with tiny counts: every probe starts, enqueues and reports. */
class TriggerBenchSmokeTest {

    @Test
    void run_whenTinyCounts_measuresEveryConfigurationAndWritesTheTable(@TempDir Path work) throws Exception {
        Path markdown = work.resolve("benchmarks.md");
        TriggerBenchOptions options = new TriggerBenchOptions(
                1,
                20,
                50,
                Path.of(System.getProperty("trigger.jar")),
                Path.of(System.getProperty("bench.classes")),
                TriggerBench.readClasspath(Path.of(System.getProperty("floor.classpath"))),
                work,
                markdown,
                Path.of(System.getProperty("java.home")),
                TriggerBench.FUNCTION_MEMORY_MB);

        TriggerBenchResult result = TriggerBench.run(options);

        assertThat(result.line())
                .matches("result trigger_cold_ratio=\\d+\\.\\d\\d trigger_cold_cds_ratio=\\d+\\.\\d\\d"
                        + " trigger_warm_ratio=\\d+\\.\\d\\d jar_mb=\\d+\\.\\d\\d classes=\\d+");
        assertThat(result.triggerCold()).isPositive();
        assertThat(result.floorCold()).isPositive();
        assertThat(result.handlerWarm()).isPositive();
        assertThat(result.triggerClasses()).isGreaterThan(result.floorClasses() / 2);
        // The trigger ships less than the SDK jars it came from.
        assertThat(result.triggerJarBytes()).isLessThan(result.floorJarBytes());
        assertThat(result.jdk().major()).isGreaterThanOrEqualTo(TriggerBench.LAMBDA_JAVA_MAJOR);
        String table = Files.readString(markdown);
        assertThat(table)
                .contains("| cold start", "./pipeline bench trigger", result.line())
                .contains("| JDK of the measured JVMs | " + result.jdk().runtimeVersion())
                .contains("handler − raw sendMessage", "### The class-data archive", "SnapStart")
                .contains("-Xmx" + (TriggerBench.FUNCTION_MEMORY_MB * 85 / 100) + "m");
        if (!result.jdk().matchesLambda()) {
            assertThat(table)
                    .contains("Warning: measured on Java " + result.jdk().major());
        }
    }
}
