package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ScaleOptionsTest {

    @Test
    void parse_whenNoArguments_measuresTenAndTwentyThousandAtInfrasMemorySizes() {
        ScaleOptions options = ScaleOptions.parse(new String[0]);

        assertThat(options.small()).isEqualTo(10_000);
        assertThat(options.large()).isEqualTo(20_000);
        assertThat(options.triggerMemoryMb()).isEqualTo(1024);
        assertThat(options.provisionerMemoryMb()).isEqualTo(1024);
        assertThat(options.markdown()).isNull();
        assertThat(options.command()).isEqualTo("./pipeline bench scale");
    }

    @Test
    void parse_whenQuickWithOverrides_takesTheOverridesAndKeepsThemInTheCommandButNotThePaths() {
        ScaleOptions options = ScaleOptions.parse(new String[] {
            "--quick", "--small", "30", "--large", "60", "--markdown", "/tmp/x/benchmarks.md", "--log-dir", "/tmp/logs"
        });

        assertThat(options.small()).isEqualTo(30);
        assertThat(options.large()).isEqualTo(60);
        assertThat(options.markdown()).isEqualTo(Path.of("/tmp/x/benchmarks.md"));
        assertThat(options.logDirectory()).isEqualTo(Path.of("/tmp/logs"));
        assertThat(options.command()).isEqualTo("./pipeline bench scale --quick --small 30 --large 60");
    }

    @Test
    void parse_whenQuick_isSmallerThanTheDefault() {
        ScaleOptions quick = ScaleOptions.parse(new String[] {"--quick"});

        assertThat(quick.small()).isLessThan(10_000);
        assertThat(quick.large()).isEqualTo(2 * quick.small());
    }

    @Test
    void parse_whenUnknownOptionOrBadValue_throwsNamingIt() {
        assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--users", "5"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--users");
        assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--small", "many"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--small");
        assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--small", "200", "--large", "100"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("small=200 large=100");
        assertThatThrownBy(() -> ScaleOptions.parse(new String[] {"--small"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--small");
    }
}
