package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.esm.SqsEvents;
import dev.provisioning.local.lambda.FunctionSpec;
import dev.provisioning.local.lambda.InvocationResult;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * A catalogue of bad and awkward inputs, each with its expected outcome, run through the real
 * provisioner jar: dead-lettered at once with a named reason, or provisioned correctly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCatalogIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private LocalPipeline pipeline;
    private String scratchQueue;

    /** One input: a message body (from a template), and what must become of it. */
    record Case(String name, Consumer<ObjectNode> mutation, String rawBody, String expectedReason) {

        static Case rejected(String name, String rawBody, String reason) {
            return new Case(name, null, rawBody, reason);
        }

        static Case mutated(String name, Consumer<ObjectNode> mutation, String reason) {
            return new Case(name, mutation, null, reason);
        }

        static Case provisioned(String name, Consumer<ObjectNode> mutation) {
            return new Case(name, mutation, null, null);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> catalogue() {
        return Stream.of(
                Case.rejected("plain text", "hello", "NOT_JSON"),
                Case.rejected("JSON array", "[{\"schemaVersion\":1}]", "NOT_JSON"),
                Case.rejected("JSON string", "\"schemaVersion\"", "NOT_JSON"),
                Case.rejected("truncated JSON", "{\"schemaVersion\":1,\"sub\":\"ab", "NOT_JSON"),
                Case.rejected("nesting 40 deep", "[".repeat(40) + "]".repeat(40), "NOT_JSON"),
                Case.rejected("empty object", "{}", "MISSING_FIELD"),
                Case.mutated("schema version 2", m -> m.put("schemaVersion", 2), "UNSUPPORTED_SCHEMA_VERSION"),
                Case.mutated(
                        "schema version as string", m -> m.put("schemaVersion", "1"), "UNSUPPORTED_SCHEMA_VERSION"),
                Case.mutated("schema version 1.5", m -> m.put("schemaVersion", 1.5), "UNSUPPORTED_SCHEMA_VERSION"),
                Case.mutated(
                        "schema version 2^32 + 1 (truncates to 1)",
                        m -> m.put("schemaVersion", 4_294_967_297L),
                        "UNSUPPORTED_SCHEMA_VERSION"),
                Case.mutated("schema version -1", m -> m.put("schemaVersion", -1), "UNSUPPORTED_SCHEMA_VERSION"),
                Case.mutated("schema version null", m -> m.putNull("schemaVersion"), "MISSING_FIELD"),
                Case.mutated(
                        "confirmedAt before Cognito existed",
                        m -> m.put("confirmedAt", "1970-01-01T00:00:00Z"),
                        "INVALID_FIELD"),
                Case.mutated("missing sub", m -> m.remove("sub"), "MISSING_FIELD"),
                Case.mutated("empty sub", m -> m.put("sub", ""), "MISSING_FIELD"),
                Case.mutated("sub is a number", m -> m.put("sub", 42), "INVALID_FIELD"),
                Case.mutated("missing userPoolId", m -> m.remove("userPoolId"), "MISSING_FIELD"),
                Case.mutated(
                        "idempotency key of another user", m -> m.put("idempotencyKey", "p#other"), "INVALID_FIELD"),
                Case.mutated("emailVerified as string", m -> m.put("emailVerified", "true"), "INVALID_FIELD"),
                Case.mutated(
                        "email with CR/LF header injection",
                        m -> m.put("email", "a@example.com\r\nBcc: victim@example.com"),
                        "INVALID_FIELD"),
                Case.mutated("email without @", m -> m.put("email", "not-an-address"), "INVALID_FIELD"),
                Case.mutated(
                        "email of 300 characters",
                        m -> m.put("email", "a".repeat(288) + "@example.com"),
                        "INVALID_FIELD"),
                Case.mutated("name of 3000 characters", m -> m.put("name", "n".repeat(3000)), "INVALID_FIELD"),
                Case.mutated("confirmedAt not a date", m -> m.put("confirmedAt", "yesterday"), "INVALID_FIELD"),
                Case.mutated("clientMetadata is an array", m -> m.putArray("clientMetadata"), "INVALID_FIELD"),
                Case.mutated(
                        "clientMetadata value is a number",
                        m -> m.putObject("clientMetadata").put("n", 1),
                        "INVALID_FIELD"),
                Case.provisioned("HTML in the name", m -> m.put("name", "<img src=x onerror=alert(1)> & co")),
                Case.provisioned("CR/LF in the name", m -> m.put("name", "Eve\r\nBcc: victim@example.com")),
                Case.provisioned("non-ASCII name and internationalised domain", m -> {
                    m.put("name", "Zoë Ørsted 李小龍");
                    m.put("email", "zoe." + UUID.randomUUID() + "@exämple.com");
                }),
                Case.provisioned(
                        "unknown trigger source value", m -> m.put("triggerSource", "PostConfirmation_Future")),
                Case.provisioned(
                        "unknown extra fields", m -> m.putObject("future").put("x", 1)),
                Case.provisioned("no email (phone-only user)", m -> m.putNull("email")),
                Case.provisioned("empty name", m -> m.put("name", "")));
    }

    @BeforeAll
    void start() {
        pipeline = LocalPipeline.start(
                Settings.fromEnvironment(), HarnessPaths.discover(), LocalPipeline.Options.defaults(logs::add));
        scratchQueue =
                pipeline.aws().sqs().createQueue(b -> b.queueName("catalogue")).queueUrl();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void provision_whenBadOrAwkwardInput_hasItsExpectedOutcome(Case input) throws Exception {
        String sub = UUID.randomUUID().toString();
        ObjectNode template = template(sub);
        if (input.mutation() != null) {
            input.mutation().accept(template);
        }
        String body = input.rawBody() != null ? input.rawBody() : JSON.writeValueAsString(template);

        Message received = sendAndReceive(body);
        InvocationResult result = invoke(LocalPipeline.PROVISIONER_FUNCTION, received);

        assertThat(result.functionError()).as(result.toString()).isFalse();
        assertThat(JSON.readTree(result.payload()).path("batchItemFailures"))
                .as("never retried")
                .isEmpty();
        if (input.expectedReason() != null) {
            Message deadLetter = deadLetterOf(received.messageId());
            assertThat(deadLetter.body()).isEqualTo(body);
            assertThat(deadLetter.messageAttributes().get("failure.reason").stringValue())
                    .isEqualTo(input.expectedReason());
            assertThat(deadLetter.messageAttributes().get("source.receiveCount").stringValue())
                    .isEqualTo("1");
            assertThat(account(sub)).as("no account for a rejected message").isEmpty();
        } else {
            Map<String, AttributeValue> account = account(sub).orElseThrow();
            String email =
                    template.path("email").isTextual() ? template.path("email").asText() : null;
            if (email == null) {
                assertThat(account.get("emailState").s()).isEqualTo("NOT_APPLICABLE");
            } else {
                List<MotoServer.SentEmail> emails = emailsTo(EmailAddresses.withAsciiDomain(email));
                assertThat(emails).hasSize(1);
                assertThat(emails.get(0).subject()).doesNotContain("\r").doesNotContain("\n");
                assertThat(emails.get(0).body()).doesNotContain("<img");
            }
        }
        assertThat(String.join("\n", logs)).doesNotContain("victim@example.com");
    }

    @Test
    void provision_whenSesRejectsTheSender_retriesItAsAConfigurationFailureAndKeepsTheAccount() throws Exception {
        Map<String, String> env = new HashMap<>(pipeline.aws().environment());
        env.put("QUEUE_URL", pipeline.resources().queueUrl());
        env.put("DLQ_URL", pipeline.resources().deadLetterQueueUrl());
        env.put("TABLE_NAME", pipeline.resources().tableName());
        env.put("SENDER_ADDRESS", "unverified-sender@example.com");
        pipeline.lambda()
                .register(FunctionSpec.builder(
                                "provisioner-unverified", "dev.provisioning.provisioner.ProvisionerHandler")
                        .classpath(HarnessPaths.discover().provisionerJar())
                        .environment(env)
                        .timeout(Duration.ofSeconds(10))
                        .build());
        String sub = UUID.randomUUID().toString();
        Message received = sendAndReceive(JSON.writeValueAsString(template(sub)));

        InvocationResult result = invoke("provisioner-unverified", received);

        // Every send hits an unverified sender until someone verifies it: the record waits on the queue (it is in
        // the batch's failures, with a backoff), never in the DLQ, and heals once the identity is verified.
        assertThat(result.functionError()).as(result.toString()).isFalse();
        assertThat(result.payloadUtf8()).contains(received.messageId());
        assertThat(DeadLetters.peek(pipeline))
                .noneMatch(m -> m.messageAttributes().containsKey("source.messageId")
                        && received.messageId()
                                .equals(m.messageAttributes()
                                        .get("source.messageId")
                                        .stringValue()));
        // The account exists and its email is still pending, so the retry after fixing SES sends it.
        assertThat(account(sub).orElseThrow().get("emailState").s()).isEqualTo("PENDING");
    }

    private ObjectNode template(String sub) {
        String pool = pipeline.userPool().poolId();
        ObjectNode message = JSON.createObjectNode();
        message.put("schemaVersion", 1);
        message.put("messageId", UUID.randomUUID().toString());
        message.put("idempotencyKey", pool + "#" + sub);
        message.put("userPoolId", pool);
        message.put("userName", sub);
        message.put("sub", sub);
        message.put("email", "catalogue-" + sub + "@example.com");
        message.put("emailVerified", true);
        message.put("name", "Catalogue User");
        message.put("triggerSource", "PostConfirmation_ConfirmSignUp");
        message.put("confirmedAt", "2026-11-24T10:15:30Z");
        message.put("region", "us-east-1");
        message.putObject("clientMetadata");
        return message;
    }

    private Message sendAndReceive(String body) {
        pipeline.aws().sqs().sendMessage(b -> b.queueUrl(scratchQueue).messageBody(body));
        List<Message> messages = pipeline.aws()
                .sqs()
                .receiveMessage(b -> b.queueUrl(scratchQueue)
                        .maxNumberOfMessages(1)
                        .waitTimeSeconds(5)
                        .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                        .messageAttributeNames("All"))
                .messages();
        assertThat(messages).hasSize(1);
        pipeline.aws().sqs().deleteMessage(b -> b.queueUrl(scratchQueue)
                .receiptHandle(messages.get(0).receiptHandle()));
        return messages.get(0);
    }

    private InvocationResult invoke(String function, Message message) throws InterruptedException {
        return pipeline.lambda()
                .invoke(
                        function,
                        SqsEvents.of(List.of(message), "arn:aws:sqs:us-east-1:000000000000:catalogue", "us-east-1"));
    }

    private Message deadLetterOf(String sourceMessageId) {
        Message[] found = new Message[1];
        Await.until("the dead letter of " + sourceMessageId, TIMEOUT, () -> {
            for (Message m : DeadLetters.peek(pipeline)) {
                var source = m.messageAttributes().get("source.messageId");
                if (source != null && source.stringValue().equals(sourceMessageId)) {
                    found[0] = m;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    private java.util.Optional<Map<String, AttributeValue>> account(String sub) {
        return pipeline.account(sub);
    }

    private List<MotoServer.SentEmail> emailsTo(String email) {
        return pipeline.emailsTo(email);
    }
}
