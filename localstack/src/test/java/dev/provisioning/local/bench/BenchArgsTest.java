package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchArgsTest {

    @Test
    void parse_whenQuickAndKnownPairs_keepsBoth() {
        BenchArgs args =
                BenchArgs.parse(new String[] {"--users", "30", "--quick", "--runs", "2"}, Set.of("users", "runs"));

        assertThat(args.quick()).isTrue();
        assertThat(args.values()).isEqualTo(Map.of("users", "30", "runs", "2"));
    }

    @Test
    void parse_whenAMistypedOrBareOption_refusesIt() {
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--user", "30"}, Set.of("users")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown option: --user");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"30"}, Set.of("users")))
                .hasMessage("unknown option: 30");
        assertThatThrownBy(() -> BenchArgs.parse(new String[] {"--users"}, Set.of("users")))
                .hasMessage("--users needs a value");
    }

    @Test
    void throughputOptions_whenAMistypedOption_refusesItInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> ThroughputOptions.parse(new String[] {"--quick", "--latency", "50"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--latency");
    }
}
