package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.provisioning.local.PipelineReport;
import dev.provisioning.local.lambda.FunctionMetrics;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ScaleReportTest {

    private static final ScaleOptions OPTIONS = ScaleOptions.parse(new String[] {"--small", "100", "--large", "200"});

    @Property
    void costRatio_whenEveryFunctionBillsInProportionToTheSignUps_isOne(
            @ForAll @IntRange(min = 1, max = 5_000) int small,
            @ForAll @IntRange(min = 1, max = 4) int factor,
            @ForAll @IntRange(min = 1, max = 500) int triggerMillisPerSignUp,
            @ForAll @IntRange(min = 1, max = 500) int provisionerMillisPerSignUp) {
        int large = small * factor;
        ScaleReport report = report(
                run(small, (long) small * triggerMillisPerSignUp, (long) small * provisionerMillisPerSignUp, 0),
                run(large, (long) large * triggerMillisPerSignUp, (long) large * provisionerMillisPerSignUp, 0));

        assertThat(report.costRatio()).isCloseTo(1.0, within(1e-9));
    }

    @Property
    void costRatio_whenTheLargeRunBillsMorePerSignUp_isAboveOneByThatMuch(
            @ForAll @IntRange(min = 10, max = 5_000) int small, @ForAll @IntRange(min = 0, max = 100) int percent) {
        ScaleReport report = report(
                run(small, small * 10L, small * 50L, 0),
                run(2 * small, 2 * small * 10L * (100 + percent) / 100, 2 * small * 50L * (100 + percent) / 100, 0));

        assertThat(report.costRatio()).isCloseTo(1 + percent / 100.0, within(0.01));
    }

    @Test
    void line_andMarkdown_carryBothRunsFigures() {
        ScaleReport report = report(run(100, 5_000, 20_000, 0), run(200, 9_000, 41_000, 2));

        assertThat(report.line())
                .isEqualTo("result users_small=100 users_large=200 lost_small=0 lost_large=2 scale_cost_ratio=1.000"
                        + " signups_per_s_small=10.0 signups_per_s_large=10.0");
        assertThat(report.lost()).isEqualTo(2);
        assertThat(report.markdown())
                .contains("### `./pipeline bench scale --small 100 --large 200`")
                .contains("| 100 | 10.0 s | 10.0 | 0 | 0 | 100, 5.0 s | 10, 20.0 s | 250.000 |")
                .contains("| 200 | 20.0 s | 10.0 | 2 | 0 | 200, 9.0 s | 20, 41.0 s | 250.000 |")
                .contains("harness 1, provisioner 1 2, moto ?")
                .endsWith("`" + report.line() + "`\n");
    }

    private static ScaleReport report(ScaleRun small, ScaleRun large) {
        return new ScaleReport(OPTIONS, small, large, "2 cores", "21");
    }

    private static ScaleRun run(int users, long triggerMillis, long provisionerMillis, int lost) {
        PipelineReport report = new PipelineReport(users, users - lost, users - lost, 0, lost, 0, 0, 0, 0, true);
        return new ScaleRun(
                users,
                Duration.ofMillis(users * 100L),
                report,
                new FunctionMetrics(users, 0, 0, 0, 0, triggerMillis),
                new FunctionMetrics(users / 10, 0, 0, 0, 0, provisionerMillis),
                0,
                List.of(
                        new ScaleRun.Peak("harness", 1024),
                        new ScaleRun.Peak("provisioner 1", 2048),
                        new ScaleRun.Peak("moto", -1)));
    }
}
