package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./pipeline bench scale --quick}: both runs lose no sign-up, and the result line and the page's section are
 * well-formed. No time and no ratio is asserted.
 */
class ScaleBenchIT {

    @Test
    void quick_whenRun_losesNoSignUpAndPrintsTheResultLineAndItsSection(@TempDir Path work) throws Exception {
        Path markdown = work.resolve("benchmarks.md");
        Files.writeString(markdown, "# Benchmarks\n\n## Another benchmark\n\nIts table.\n");
        ScaleOptions options = ScaleOptions.parse(
                new String[] {"--quick", "--markdown", markdown.toString(), "--log-dir", work.toString()});
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        ScaleReport report = ScaleBench.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(report.line())
                .matches("result users_small=" + options.small() + " users_large=" + options.large()
                        + " lost_small=0 lost_large=0 scale_cost_ratio=\\d+\\.\\d{3}"
                        + " signups_per_s_small=\\d+\\.\\d signups_per_s_large=\\d+\\.\\d");
        for (ScaleRun run : new ScaleRun[] {report.small(), report.large()}) {
            assertThat(run.report().confirmed()).isEqualTo(run.users());
            assertThat(run.report().provisioned()).isEqualTo(run.users());
            assertThat(run.report().emailed()).isEqualTo(run.users());
            assertThat(run.report().duplicateAccounts()).isZero();
            assertThat(run.report().duplicateEmailsOutsideWindow()).isZero();
            // Only the measured sign-ups count: the warm-up's invocations are not in the run's figures.
            assertThat(run.trigger().invocations()).isEqualTo(run.users());
            assertThat(run.trigger().billedMillis()).isGreaterThanOrEqualTo(run.users());
            assertThat(run.provisioner().invocations()).isGreaterThanOrEqualTo(run.users() / 10);
            assertThat(run.peaks())
                    .extracting(ScaleRun.Peak::process)
                    .contains("harness", "ingest-trigger 1", "provisioner 1", "moto");
        }
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("Invoke API");
        String page = Files.readString(markdown);
        assertThat(page)
                .startsWith("# Benchmarks\n\n## Another benchmark\n\nIts table.\n")
                .contains(ScaleReport.HEADING, "not go through cognito-local", "`./pipeline bench scale --quick`")
                .contains("| sign-ups | wall | sign-ups/s | lost |", report.line())
                .doesNotContain(work.toString());
    }
}
