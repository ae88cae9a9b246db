package dev.provisioning.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code ./pipeline bench decoupling} with tiny counts: both triggers start, meet every downstream condition and
 * report; the result line parses and the table is written. No time is asserted; what is asserted holds whatever the
 * machine's speed: the product's trigger fails no sign-up while every downstream call fails, and the synchronous
 * baseline cannot complete one then.
 */
class DecouplingBenchSmokeTest {

    @Test
    void run_whenQuick_reportsEveryConditionForBothTriggersAndWritesTheTable(@TempDir Path work) throws Exception {
        Path markdown = work.resolve("benchmarks.md");
        Files.writeString(markdown, "# Benchmarks\n\n## Trigger (`ingest-trigger`)\n\nkept as it was\n");
        DecouplingOptions options = DecouplingOptions.parse(new String[] {
            "--quick", "--rate", "20", "--count", "8", "--warmup", "4", "--markdown", markdown.toString()
        });

        DecouplingResult result = new DecouplingBench(options).run();

        assertThat(result.line())
                .matches("result decoupling_p99_ratio=\\d+\\.\\d\\d sync_p99_ratio=\\d+\\.\\d\\d"
                        + " sync_failed_fraction=\\d\\.\\d\\d\\d ours_failed_fraction=\\d\\.\\d\\d\\d");
        assertThat(result.runs()).hasSize(1);
        Map<String, Map<String, DecouplingResult.Phase>> run = result.runs().get(0);
        assertThat(run.keySet()).containsExactly("ours", "sync");
        run.values()
                .forEach(phases -> assertThat(phases.keySet()).containsExactlyElementsOf(DecouplingProbe.CONDITIONS));
        assertThat(run.get("ours").get("failing").overOrFailed()).isZero();
        assertThat(run.get("ours").get("failing").failed()).isZero();
        assertThat(run.get("sync").get("failing").overOrFailed()).isEqualTo(8);
        // Fail-open: an enqueue that misses its budget on a loaded machine returns all the same (reconcile heals it),
        // and a send retried after a lost answer leaves a duplicate, so the counts are reported, not required exact.
        assertThat(result.expectedEnqueued()).isEqualTo(4 + 3 * 8);
        assertThat(result.enqueued()).isPositive().isLessThanOrEqualTo(result.expectedEnqueued());
        assertThat(result.messages()).isGreaterThanOrEqualTo(result.enqueued());
        assertThat(result.line()).endsWith("ours_failed_fraction=0.000");
        String page = Files.readString(markdown);
        assertThat(page)
                .startsWith("# Benchmarks\n\n## Trigger (`ingest-trigger`)\n\nkept as it was\n")
                .contains(
                        DecouplingReport.HEADING,
                        "`./pipeline bench decoupling --quick --rate 20 --count 8 --warmup 4`")
                .contains("| sync | failing |", result.line());
    }
}
