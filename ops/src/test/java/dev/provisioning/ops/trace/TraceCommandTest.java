package dev.provisioning.ops.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.Settings;
import dev.provisioning.ops.OpsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class TraceCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void run_whenSubIsMissing_printsUsageAndExitsTwo() {
        int code = OpsCli.create(Settings.of(Map.of("AWS_REGION", "us-east-1")))
                .run(List.of("trace", "--pool", "p"), print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--sub is required")
                .contains("usage");
    }

    @Test
    void run_whenCommandIsUnknown_exitsTwo() {
        int code = OpsCli.create(Settings.of(Map.of())).run(List.of("nope"), print(out), print(err));

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("unknown command")
                .contains("trace");
    }

    @Test
    void parse_whenOptionsGiven_overrideTheEnvironment() {
        TraceCommand.Options options = TraceCommand.Options.parse(
                List.of("--sub", "s", "--table", "t2", "--json"),
                Settings.of(Map.of("TABLE_NAME", "t1", "DLQ_URL", "http://q")));

        assertThat(options.sub()).isEqualTo("s");
        assertThat(options.table()).contains("t2");
        assertThat(options.deadLetterQueueUrl()).contains("http://q");
        assertThat(options.json()).isTrue();
    }

    @Test
    void steps_whenRecordHasClaimAndAddress_ordersStepsAndFingerprintsTheAddress() {
        Map<String, String> steps = UserTracer.steps(Map.of(
                "accountId", AttributeValue.fromS("p#s"),
                "emailSentAt", AttributeValue.fromS("2026-03-01T12:00:01Z"),
                "createdAt", AttributeValue.fromS("2026-03-01T12:00:00Z"),
                "emailClaimedAt", AttributeValue.fromN("1772366400000"),
                "emailState", AttributeValue.fromS("SENT"),
                "email", AttributeValue.fromS("jane@example.com")));

        assertThat(steps.keySet())
                .containsExactly(
                        "accountId", "createdAt", "emailState", "emailClaimedAt", "emailSentAt", "emailFingerprint");
        assertThat(steps.get("emailClaimedAt")).isEqualTo("2026-03-01T12:00:00Z");
        assertThat(steps.values()).noneMatch(v -> v.contains("jane@example.com"));
    }

    @Test
    void verdict_whenConfirmedUserHasNoAccount_isNotProvisioned() {
        Trace.CognitoUser user = new Trace.CognitoUser("u", "CONFIRMED", true, "c", "m");

        assertThat(UserTracer.verdict(user, null, List.of())).isEqualTo(Trace.Verdict.NOT_PROVISIONED);
        assertThat(UserTracer.verdict(null, null, List.of())).isEqualTo(Trace.Verdict.UNKNOWN_USER);
        assertThat(UserTracer.verdict(user, Map.of("emailState", "SENDING"), List.of()))
                .isEqualTo(Trace.Verdict.EMAIL_PENDING);
        assertThat(UserTracer.verdict(user, Map.of("emailState", "SENT"), List.of()))
                .isEqualTo(Trace.Verdict.PROVISIONED);
    }

    @Test
    void verdict_whenUserServiceIsExpected_waitsForTheSync() {
        Trace.CognitoUser user = new Trace.CognitoUser("u", "CONFIRMED", true, "c", "m");
        Map<String, String> sent = Map.of("emailState", "SENT");
        Map<String, String> synced = Map.of("emailState", "SENT", "userServiceState", "SYNCED");

        assertThat(UserTracer.verdict(user, sent, List.of(), true, UserTracer.Gaps.NONE))
                .isEqualTo(Trace.Verdict.USER_SERVICE_PENDING);
        assertThat(UserTracer.verdict(user, synced, List.of(), true, UserTracer.Gaps.NONE))
                .isEqualTo(Trace.Verdict.PROVISIONED);
        assertThat(UserTracer.verdict(user, sent, List.of(), false, UserTracer.Gaps.NONE))
                .isEqualTo(Trace.Verdict.PROVISIONED);
    }

    @Test
    void verdict_whenALookupFailed_isIncompleteRatherThanNotProvisioned() {
        Trace.CognitoUser user = new Trace.CognitoUser("u", "CONFIRMED", true, "c", "m");

        assertThat(UserTracer.verdict(user, null, List.of(), false, new UserTracer.Gaps(true, false)))
                .isEqualTo(Trace.Verdict.INCOMPLETE);
        assertThat(UserTracer.verdict(null, null, List.of(), false, new UserTracer.Gaps(false, true)))
                .isEqualTo(Trace.Verdict.INCOMPLETE);
        assertThat(UserTracer.verdict(
                        null, Map.of("emailState", "SENT"), List.of(), false, new UserTracer.Gaps(false, true)))
                .isEqualTo(Trace.Verdict.PROVISIONED);
    }

    @Test
    void steps_whenUserServiceSynced_showsItAfterTheEmail() {
        Map<String, String> steps = UserTracer.steps(Map.of(
                "accountId", AttributeValue.fromS("p#s"),
                "emailSentAt", AttributeValue.fromS("2026-03-01T12:00:01Z"),
                "userServiceState", AttributeValue.fromS("SYNCED"),
                "userServiceSyncedAt", AttributeValue.fromS("2026-03-01T12:00:02Z"),
                "updatedAt", AttributeValue.fromS("2026-03-01T12:00:01Z")));

        assertThat(steps.keySet())
                .containsExactly("accountId", "emailSentAt", "userServiceState", "userServiceSyncedAt", "updatedAt");
    }

    @Test
    void parse_whenUserServiceUrlIsSet_expectsTheSync() {
        TraceCommand.Options options = TraceCommand.Options.parse(
                List.of("--sub", "s"), Settings.of(Map.of("USER_SERVICE_URL", "https://users.example")));

        assertThat(options.userService()).isTrue();
        assertThat(options.scanUsers()).isFalse();
    }

    @Test
    void exitCode_whenVerdictsDiffer_separatesNotProvisionedFromFailed() {
        assertThat(TraceCommand.exitCode(Trace.Verdict.PROVISIONED)).isZero();
        assertThat(TraceCommand.exitCode(Trace.Verdict.NOT_PROVISIONED)).isEqualTo(1);
        assertThat(TraceCommand.exitCode(Trace.Verdict.USER_SERVICE_PENDING)).isEqualTo(1);
        assertThat(TraceCommand.exitCode(Trace.Verdict.UNKNOWN_USER)).isEqualTo(1);
        assertThat(TraceCommand.exitCode(Trace.Verdict.INCOMPLETE)).isEqualTo(3);
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }
}
