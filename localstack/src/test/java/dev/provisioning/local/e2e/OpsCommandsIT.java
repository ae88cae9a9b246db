package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.ops.OpsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * The operations CLI against the local pipeline: {@code trace} (a provisioned user, a dead-lettered
 * one, an unknown one), {@code dlq list|redrive}, and {@code reconcile}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpsCommandsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private LocalPipeline pipeline;

    @BeforeAll
    void startPipeline() {
        pipeline = LocalPipeline.start(
                Settings.fromEnvironment(), HarnessPaths.discover(), LocalPipeline.Options.defaults(logs::add));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void trace_whenUserIsProvisioned_showsCognitoStatusAndEveryStep() throws Exception {
        String email = "trace-" + UUID.randomUUID() + "@example.com";
        String sub = pipeline.cognitoClient()
                .signUpAndConfirm(
                        pipeline.userPool().poolId(),
                        pipeline.userPool().clientId(),
                        email,
                        "Passw0rd!-trace",
                        "Tracy");
        Await.until("the welcome email of " + sub, TIMEOUT, () -> emailSent(sub));

        Result json = trace("--sub", sub, "--pool", pipeline.userPool().poolId(), "--json");
        Result text = trace("--sub", sub, "--pool", pipeline.userPool().poolId());

        assertThat(json.code()).as(json.err()).isZero();
        JsonNode trace = JSON.readTree(json.out());
        assertThat(trace.path("verdict").asText()).isEqualTo("PROVISIONED");
        assertThat(trace.path("cognito").path("status").asText()).isEqualTo("CONFIRMED");
        JsonNode account = trace.path("account");
        assertThat(account.path("accountId").asText())
                .isEqualTo(pipeline.userPool().poolId() + "#" + sub);
        assertThat(account.path("emailState").asText()).isEqualTo("SENT");
        for (String step : List.of("createdAt", "emailClaimedAt", "emailSentAt", "emailMessageId", "emailAttempts")) {
            assertThat(account.path(step).asText()).as(step).isNotBlank();
        }
        assertThat(trace.path("deadLetters")).isEmpty();
        assertThat(json.out() + text.out()).doesNotContain(email);
        assertThat(text.code()).isZero();
        assertThat(text.out()).contains("PROVISIONED", "CONFIRMED", "emailSentAt", "DLQ       none");
    }

    @Test
    void trace_whenMessageIsDeadLettered_showsTheReasonAndLeavesTheMessageInTheQueue() throws Exception {
        String sub = UUID.randomUUID().toString();
        String dlq = pipeline.resources().deadLetterQueueUrl();
        pipeline.aws().sqs().sendMessage(b -> b.queueUrl(dlq)
                .messageBody("{\"schemaVersion\":99,\"sub\":\"" + sub + "\"}")
                .messageAttributes(Map.of(
                        "failure.reason", text("UNSUPPORTED_SCHEMA_VERSION"),
                        "failure.class", text("PERMANENT"),
                        "failure.message", text("schema version 99 is not supported"),
                        "failure.firstFailedAt", text("2026-03-01T12:00:00Z"))));

        Result result = trace("--sub", sub, "--pool", pipeline.userPool().poolId(), "--json");

        assertThat(result.code()).isEqualTo(1);
        JsonNode trace = JSON.readTree(result.out());
        assertThat(trace.path("verdict").asText()).isEqualTo("DEAD_LETTERED");
        assertThat(trace.path("deadLetters").get(0).path("reason").asText()).isEqualTo("UNSUPPORTED_SCHEMA_VERSION");
        assertThat(trace.path("deadLetters").get(0).path("failureClass").asText())
                .isEqualTo("PERMANENT");
        List<Message> stillThere = new ArrayList<>();
        Await.until("the dead letter to be visible again", TIMEOUT, () -> {
            pipeline
                    .aws()
                    .sqs()
                    .receiveMessage(b -> b.queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0))
                    .messages()
                    .stream()
                    .filter(m -> m.body().contains(sub))
                    .forEach(stillThere::add);
            return !stillThere.isEmpty();
        });
    }

    @Test
    void trace_whenSubIsUnknown_saysSoAndExitsOne() throws Exception {
        Result result = trace(
                "--sub",
                UUID.randomUUID().toString(),
                "--pool",
                pipeline.userPool().poolId(),
                "--json");

        assertThat(result.code()).isEqualTo(1);
        assertThat(JSON.readTree(result.out()).path("verdict").asText()).isEqualTo("UNKNOWN_USER");
    }

    private Result trace(String... args) {
        List<String> argv = new ArrayList<>(List.of(args));
        argv.addAll(List.of("--cognito-endpoint", pipeline.cognito().endpoint().toString()));
        return ops("trace", argv.toArray(String[]::new));
    }

    @Test
    void dlqList_whenPoisonIsDeadLettered_groupsItByReason() throws Exception {
        String id = pipeline.aws()
                .sqs()
                .sendMessage(b -> b.queueUrl(pipeline.resources().queueUrl()).messageBody("not json at all"))
                .messageId();
        Await.until("the poison message in the DLQ", TIMEOUT, () -> DeadLetters.peek(pipeline).stream()
                .anyMatch(m -> m.messageAttributes().containsKey("source.messageId")
                        && m.messageAttributes()
                                .get("source.messageId")
                                .stringValue()
                                .equals(id)));

        Result json = ops("dlq", "list", "--json");
        Result text = ops("dlq", "list");

        assertThat(json.code()).as(json.err()).isZero();
        JsonNode reasons = JSON.readTree(json.out()).path("reasons");
        assertThat(reasons).anySatisfy(reason -> {
            assertThat(reason.path("reason").asText()).isEqualTo("NOT_JSON");
            assertThat(reason.path("count").asInt()).isPositive();
        });
        assertThat(text.out()).contains("NOT_JSON").contains("messages:");
        assertThat(DeadLetters.peek(pipeline)).as("listing consumes nothing").isNotEmpty();
    }

    @Test
    void dlqRedrive_whenCauseIsFixed_movesOnlyTheChosenReasonAndProvisions() throws Exception {
        String sub = UUID.randomUUID().toString();
        String pool = pipeline.userPool().poolId();
        String body = dev.provisioning.common.UserConfirmedCodec.create()
                .encode(new dev.provisioning.common.UserConfirmed(
                        1,
                        UUID.randomUUID().toString(),
                        pool + "#" + sub,
                        pool,
                        sub,
                        sub,
                        "redrive-" + sub + "@example.com",
                        true,
                        "Redriven User",
                        "PostConfirmation_ConfirmSignUp",
                        java.time.Instant.now(),
                        "us-east-1",
                        null,
                        Map.of()));
        pipeline.aws().sqs().sendMessage(b -> b.queueUrl(pipeline.resources().deadLetterQueueUrl())
                .messageBody(body)
                .messageAttributes(Map.of(
                        "failure.reason", text("RETRIES_EXHAUSTED"),
                        "failure.class", text("TRANSIENT"))));

        Result dryRun = ops("dlq", "redrive", "--reason", "RETRIES_EXHAUSTED", "--dry-run");

        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("(dry run)").contains("moved=1");
        assertThat(DeadLetters.peek(pipeline)).anyMatch(m -> m.body().equals(body));
        assertThat(emailSentOrAccount(sub)).isFalse();

        Result redrive = ops("dlq", "redrive", "--reason", "RETRIES_EXHAUSTED");

        assertThat(redrive.code()).as(redrive.err()).isZero();
        assertThat(redrive.out()).contains("moved=1");
        Await.until("the redriven user's account", TIMEOUT, () -> emailSent(sub));
        assertThat(DeadLetters.peek(pipeline)).noneMatch(m -> m.body().equals(body));
    }

    @Test
    void reconcile_whenConfirmedUserHasNoAccount_reenqueuesOnlyThatUser() {
        String sub = pipeline.cognitoClient()
                .signUpAndConfirm(
                        pipeline.userPool().poolId(),
                        pipeline.userPool().clientId(),
                        "reconcile-" + UUID.randomUUID() + "@example.com",
                        "Passw0rd!-reconcile",
                        "Reconcile Me");
        Await.until("the account", TIMEOUT, () -> emailSent(sub));
        // What a stale trigger permission leaves behind: a CONFIRMED user and no account.
        pipeline.aws().dynamoDb().deleteItem(b -> b.tableName(
                        pipeline.resources().tableName())
                .key(Map.of(
                        "accountId", AttributeValue.fromS(pipeline.userPool().poolId() + "#" + sub))));

        Result dryRun = ops("reconcile", "--dry-run");

        assertThat(dryRun.code()).as(dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would_enqueue=1");
        assertThat(emailSentOrAccount(sub)).isFalse();

        Result reconcile = ops("reconcile");

        assertThat(reconcile.code()).as(reconcile.err()).isZero();
        assertThat(reconcile.out()).contains("enqueued=1");
        Await.until("the reconciled account", TIMEOUT, () -> emailSent(sub));
    }

    private boolean emailSentOrAccount(String sub) {
        return pipeline.account(sub).isPresent();
    }

    /** Runs an ops command with the environment {@code ./pipeline local --keep-running} writes. */
    private Result ops(String command, String... args) {
        Map<String, String> env = new HashMap<>(pipeline.aws().environment());
        env.put("TABLE_NAME", pipeline.resources().tableName());
        env.put("DLQ_URL", pipeline.resources().deadLetterQueueUrl());
        env.put("QUEUE_URL", pipeline.resources().queueUrl());
        env.put("USER_POOL_ID", pipeline.userPool().poolId());
        env.put("COGNITO_ENDPOINT", pipeline.cognito().endpoint().toString());
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = OpsCli.create(Settings.of(env))
                .run(
                        argv,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Result(int code, String out, String err) {}

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder()
                .dataType("String")
                .stringValue(value)
                .build();
    }

    private boolean emailSent(String sub) {
        return pipeline.welcomeEmailSent(sub);
    }
}
