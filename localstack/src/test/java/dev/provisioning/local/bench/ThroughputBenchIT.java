package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./pipeline bench throughput --quick}: it runs, provisions everything and prints its result line. No time is asserted. */
class ThroughputBenchIT {

    @Test
    void quick_whenRun_provisionsEveryConfirmationAndPrintsTheResultLine(@TempDir Path work) throws Exception {
        Path markdown = work.resolve("benchmarks.md");
        ThroughputOptions options =
                ThroughputOptions.parse(new String[] {"--quick", "--users", "30", "--markdown", markdown.toString()});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        ThroughputResult result = ThroughputBench.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(result.line())
                .matches("result throughput_ratio=\\d+\\.\\d\\d gbs_per_1000_sequential=\\d+\\.\\d{3}"
                        + " gbs_per_1000_concurrent=\\d+\\.\\d{3}");
        assertThat(result.failures()).isZero();
        assertThat(result.passes().keySet()).containsExactly(1, 10);
        result.passes()
                .values()
                .forEach(passes -> assertThat(passes).singleElement().satisfies(pass -> {
                    assertThat(pass.users()).isEqualTo(30);
                    assertThat(pass.invocations()).isGreaterThanOrEqualTo(3);
                    assertThat(pass.billedMillis()).isPositive();
                }));
        assertThat(Files.readString(markdown))
                .contains(ThroughputReport.HEADING, "--quick --users 30", "| BATCH_CONCURRENCY |", result.line())
                .doesNotContain(markdown.toString());
    }
}
