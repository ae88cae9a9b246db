package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * AWS's own template linter passes the synthesized stack with no error and no warning, for a created and an
 * imported pool, with and without a user service. A rule that does not apply is ignored on its resource, with the
 * reason, in the stack itself.
 */
class CfnLintTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"created pool", "imported pool and a user service"})
    void template_whenLintedByCfnLint_hasNoFinding(String variant) throws Exception {
        String cfnLint = onPath("cfn-lint");
        Assumptions.assumeTrue(cfnLint != null, "cfn-lint is not on the PATH: skipping the template lint");
        Map<String, String> extra = variant.startsWith("imported")
                ? Map.of(
                        StackSettings.USER_POOL_ID, "eu-central-1_AbCdEfGhI",
                        StackSettings.USER_SERVICE_URL, "https://users.example.com/api/v1/users")
                : Map.of();
        StackSettings settings = StackFixture.settings(dir, extra);
        Path template = dir.resolve("template.json");
        Files.writeString(
                template,
                new ObjectMapper()
                        .writeValueAsString(StackFixture.synth(settings).json()));

        Process lint = new ProcessBuilder(cfnLint, "--format", "parseable", template.toString())
                .redirectErrorStream(true)
                .start();
        String output;
        try {
            output = new String(lint.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(lint.waitFor(120, TimeUnit.SECONDS))
                    .as("cfn-lint finished")
                    .isTrue();
        } finally {
            lint.destroyForcibly();
        }

        assertThat(output).as("cfn-lint findings").isEmpty();
        assertThat(lint.exitValue()).isZero();
    }

    private static String onPath(String command) throws IOException {
        for (String entry : List.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))) {
            Path candidate = Path.of(entry).resolve(command);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
