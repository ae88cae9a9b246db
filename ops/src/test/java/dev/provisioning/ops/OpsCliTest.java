package dev.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI's contract with scripts: help, usage and configuration errors, and exit codes. */
class OpsCliTest {

    private static final Settings CONFIGURED = Settings.of(Map.of(
            "AWS_REGION", "us-east-1",
            "DLQ_URL", "http://127.0.0.1:9/queue/dlq",
            "QUEUE_URL", "http://127.0.0.1:9/queue/q"));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @ParameterizedTest
    @ValueSource(strings = {"trace --help", "dlq --help", "dlq list --help", "reconcile --help", "reconcile -h"})
    void run_whenSubcommandAsksForHelp_printsItsUsageAndExitsZero(String command) {
        // No settings at all: help must not need a region.
        int code = run(Settings.of(Map.of()), command.split(" "));

        assertThat(code).as(err()).isZero();
        assertThat(out())
                .startsWith("usage: pipeline " + command.split(" ")[0])
                .contains("exit codes: 0 ok")
                .contains("2 bad usage or configuration");
        assertThat(err()).isEmpty();
    }

    @Test
    void run_whenHelpIsAskedForTheCli_listsEveryCommandAndTheExitCodes() {
        int code = run(Settings.of(Map.of()), "--help");

        assertThat(code).isZero();
        assertThat(out()).contains("trace", "dlq", "reconcile", "doctor", "exit codes");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--version", "doctor --version", "dlq redrive -V"})
    void run_whenVersionIsAsked_printsTheProjectsVersionWithoutNeedingARegion(String command) {
        int code = run(Settings.of(Map.of()), command.split(" "));

        assertThat(code).as(err()).isZero();
        assertThat(out())
                .startsWith("cognito-provisioning ")
                .doesNotContain("unknown")
                .doesNotContain("${");
    }

    @Test
    void run_whenCompletionIsAsked_printsABashScriptCoveringEveryCommandAndOption() {
        int code = run(Settings.of(Map.of()), "completion");

        assertThat(code).as(err()).isZero();
        assertThat(out())
                .contains("complete -F")
                .contains("pipeline")
                .contains("doctor", "reconcile", "dlq", "trace", "redrive")
                .contains("--stack", "--queue-url", "--dry-run", "--cognito-endpoint");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "doctor --cognito-endpoint not-a-url",
                "trace --sub s --cognito-endpoint not-a-url",
                "reconcile --cognito-endpoint not-a-url"
            })
    void run_whenCognitoEndpointIsNotAUrl_everyCommandRejectsItTheSameWay(String command) {
        int code = run(CONFIGURED, command.split(" "));

        assertThat(code).isEqualTo(2);
        assertThat(err())
                .contains("Invalid value for option '--cognito-endpoint'")
                .contains("absolute URL");
    }

    @Test
    void run_whenNoCommandIsGiven_printsTheUsageToStderrAndExitsTwo() {
        int code = run(Settings.of(Map.of()));

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("usage: pipeline").contains("doctor").contains("reconcile");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dlq list", "trace --sub s", "reconcile --pool p --table t", "doctor"})
    void run_whenRegionIsMissing_exitsTwoNamingTheVariable(String command) {
        Settings noRegion = Settings.of(Map.of("DLQ_URL", "http://q", "QUEUE_URL", "http://q"));

        int code = run(noRegion, command.split(" "));

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("configuration").contains("AWS_REGION");
    }

    @Test
    void run_whenEndpointIsNotAUrl_exitsTwo() {
        Settings bad = Settings.of(Map.of("AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_SQS", "not a url"));

        int code = run(bad, "dlq", "list", "--dlq-url", "http://q");

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("AWS_ENDPOINT_URL_SQS");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"list --dry-run", "list --reason X", "list --max 3", "list --queue-url u", "redrive --json"})
    void run_whenDlqOptionDoesNotApplyToTheSubcommand_exitsTwo(String args) {
        int code = run(CONFIGURED, ("dlq " + args).split(" "));

        assertThat(code).isEqualTo(2);
        assertThat(err())
                .contains("does not apply to dlq " + args.split(" ")[0])
                .contains("usage: pipeline dlq");
    }

    @Test
    void run_whenDlqRedriveHasNoQueue_exitsTwo() {
        int code = run(Settings.of(Map.of("AWS_REGION", "us-east-1")), "dlq", "redrive", "--dlq-url", "http://q");

        assertThat(code).isEqualTo(2);
        assertThat(err()).contains("--queue-url (or QUEUE_URL)");
    }

    private int run(Settings settings, String... args) {
        return OpsCli.create(settings)
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
