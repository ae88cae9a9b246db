package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.local.esm.SqsEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The end-to-end scenarios, written once against {@link PipelineEnvironment}: a confirmed sign-up
 * provisions one account and sends one escaped email; a password reset provisions nothing more; a
 * malformed record is dead-lettered while the rest of its batch succeeds. Each subclass names the
 * environment (the default local harness, LocalStack) and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineScenarios {

    private static final ObjectMapper JSON = new ObjectMapper();

    private PipelineEnvironment env;

    /** Starts the environment the scenarios run on; called once per class. */
    protected abstract PipelineEnvironment startEnvironment();

    /** How long to wait for what the pipeline does asynchronously on this environment. */
    protected Duration timeout() {
        return Duration.ofSeconds(60);
    }

    @BeforeAll
    void startPipeline() {
        env = startEnvironment();
    }

    @AfterAll
    void stopPipeline() {
        if (env != null) {
            env.close();
        }
    }

    @Test
    void confirmSignUp_whenUserConfirms_provisionsOneAccountAndSendsOneEscapedEmail() {
        String email = "e2e-" + UUID.randomUUID() + "@example.com";
        String name = "<b>Tom & \"Jerry\"</b>";

        String sub = env.confirmSignUp(email, name);

        Await.until("the account of " + sub, timeout(), () -> account(sub).isPresent());
        Await.until("the welcome email", timeout(), () -> emailsTo(email).size() == 1);
        Await.until("an empty queue", timeout(), () -> env.queueDepth() == 0);
        Map<String, AttributeValue> item = account(sub).orElseThrow();
        assertThat(item.get("accountId").s()).isEqualTo(env.poolId() + "#" + sub);
        assertThat(item.get("cognitoSub").s()).isEqualTo(sub);
        assertThat(item.get("email").s()).isEqualTo(email);
        assertThat(item.get("fullName").s()).isEqualTo(name);
        assertThat(item.get("status").s()).isEqualTo("ACTIVE");
        assertThat(item.get("role").s()).isEqualTo("USER");
        assertThat(item.get("createdBy").s()).isEqualTo(sub);
        assertThat(item.get("updatedBy").s()).isEqualTo(sub);
        assertThat(item.get("userPoolId").s()).isEqualTo(env.poolId());
        assertThat(item.get("emailState").s()).isEqualTo("SENT");
        PipelineEnvironment.SentEmail sent = emailsTo(email).get(0);
        assertThat(sent.source()).isEqualTo(env.senderAddress());
        assertThat(item.get("emailMessageId").s()).isEqualTo(sent.messageId());
        assertThat(sent.body())
                .contains("&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;")
                .doesNotContain("<b>Tom");
        assertThat(deadLettersFor(sub)).isEmpty();
        assertThat(env.functionLogs()).doesNotContain(email);
    }

    @Test
    void confirmForgotPassword_whenExistingUserResetsPassword_provisionsNothingMore() {
        String email = "reset-" + UUID.randomUUID() + "@example.com";
        String sub = env.confirmSignUp(email, "Reset Me");
        Await.until("the welcome email", timeout(), () -> emailsTo(email).size() == 1);
        Await.until("an empty queue", timeout(), () -> env.queueDepth() == 0);
        long recordsBefore = env.provisionerRecords();
        long triggerCallsBefore = env.triggerInvocations();

        env.confirmForgotPassword(email);

        // The trigger has returned, so its enqueue (if any) has happened by now.
        assertThat(env.triggerInvocations()).isEqualTo(triggerCallsBefore + 1);
        assertThat(env.queueDepth()).isZero();
        assertThat(env.provisionerRecords()).isEqualTo(recordsBefore);
        assertThat(emailsTo(email)).hasSize(1);
        assertThat(account(sub)).isPresent();
    }

    @Test
    void queue_whenOneConfirmationArrivesThreeTimes_provisionsOnceAndEmailsOnce() {
        // Cognito's retries of the trigger, a redelivery and a DLQ replay all look like this.
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        String email = "thrice-" + UUID.randomUUID() + "@example.com";
        UserConfirmed confirmation = message(email);
        for (int i = 0; i < 3; i++) {
            env.sqs().sendMessage(b -> b.queueUrl(env.queueUrl()).messageBody(codec.encode(confirmation)));
        }

        Await.until("the account of " + confirmation.sub(), timeout(), () -> account(confirmation.sub())
                .isPresent());
        Await.until("an empty queue", timeout(), () -> env.queueDepth() == 0);

        assertThat(emailsTo(email)).hasSize(1);
        Map<String, AttributeValue> item = account(confirmation.sub()).orElseThrow();
        assertThat(item.get("emailState").s()).isEqualTo("SENT");
        assertThat(item).doesNotContainKey("emailTakeovers");
        assertThat(deadLettersFor(confirmation.sub())).isEmpty();
    }

    @Test
    void queue_whenMessageIsPoison_deadLettersItOnItsFirstReceiveWithTheReason() {
        String body = "{\"schemaVersion\":2,\"note\":\"from a future producer " + UUID.randomUUID() + "\"}";

        env.sqs().sendMessage(b -> b.queueUrl(env.queueUrl()).messageBody(body));

        Await.until("the poison message on the DLQ", timeout(), () -> deadLetters().stream()
                .anyMatch(m -> m.body().equals(body)));
        Message parked = deadLetters().stream()
                .filter(m -> m.body().equals(body))
                .findFirst()
                .orElseThrow();
        assertThat(parked.messageAttributes().get("failure.reason").stringValue())
                .isEqualTo("UNSUPPORTED_SCHEMA_VERSION");
        assertThat(parked.messageAttributes().get("failure.class").stringValue())
                .isEqualTo("PERMANENT");
        assertThat(parked.messageAttributes().get("source.receiveCount").stringValue())
                .isEqualTo("1");
        Await.until("an empty queue", timeout(), () -> env.queueDepth() == 0);
    }

    @Test
    void provisioner_whenBatchHasOneMalformedRecord_provisionsTheOthersAndDeadLettersIt() throws Exception {
        String queueUrl = env.sqs()
                .createQueue(b -> b.queueName("batch-" + UUID.randomUUID()))
                .queueUrl();
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        UserConfirmed first = message("batch-a-" + UUID.randomUUID() + "@example.com");
        UserConfirmed second = message("batch-b-" + UUID.randomUUID() + "@example.com");
        env.sqs().sendMessageBatch(b -> b.queueUrl(queueUrl)
                .entries(
                        entry("1", codec.encode(first)),
                        entry("2", "{\"schemaVersion\":1,\"sub\":"),
                        entry("3", codec.encode(second))));
        List<Message> received = receiveAll(queueUrl, 3);

        PipelineEnvironment.Invocation result = env.invokeProvisioner(
                SqsEvents.of(received, "arn:aws:sqs:" + env.region() + ":000000000000:batch", env.region()));

        assertThat(result.functionError()).as(result.toString()).isFalse();
        JsonNode response = JSON.readTree(result.payload());
        assertThat(response.path("batchItemFailures")).isEmpty();
        assertThat(account(first.sub())).isPresent();
        assertThat(account(second.sub())).isPresent();
        Message malformed = received.stream()
                .filter(m -> m.body().startsWith("{\"schemaVersion\":1,\"sub\":"))
                .findFirst()
                .orElseThrow();
        List<Message> deadLetters = deadLetters();
        assertThat(deadLetters).anySatisfy(m -> {
            assertThat(m.body()).isEqualTo(malformed.body());
            assertThat(m.messageAttributes().get("failure.reason").stringValue())
                    .isEqualTo("NOT_JSON");
            assertThat(m.messageAttributes().get("failure.class").stringValue()).isEqualTo("PERMANENT");
            assertThat(m.messageAttributes().get("source.messageId").stringValue())
                    .isEqualTo(malformed.messageId());
        });
    }

    private UserConfirmed message(String email) {
        String sub = UUID.randomUUID().toString();
        String pool = env.poolId();
        return new UserConfirmed(
                1,
                UUID.randomUUID().toString(),
                UserConfirmed.idempotencyKey(pool, sub),
                pool,
                sub,
                sub,
                email,
                true,
                "Batch User",
                "PostConfirmation_ConfirmSignUp",
                Instant.now(),
                env.region(),
                "client",
                Map.of());
    }

    private static SendMessageBatchRequestEntry entry(String id, String body) {
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
    }

    private List<Message> receiveAll(String queueUrl, int count) {
        List<Message> messages = new ArrayList<>();
        Await.until(count + " messages on " + queueUrl, timeout(), () -> {
            messages.addAll(env.sqs()
                    .receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages());
            return messages.size() >= count;
        });
        return messages;
    }

    private Optional<Map<String, AttributeValue>> account(String sub) {
        Map<String, AttributeValue> item = env.dynamoDb()
                .getItem(b -> b.tableName(env.tableName())
                        .consistentRead(true)
                        .key(Map.of("accountId", AttributeValue.fromS(env.poolId() + "#" + sub))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private List<PipelineEnvironment.SentEmail> emailsTo(String email) {
        return env.sentEmails().stream().filter(e -> e.to().contains(email)).toList();
    }

    private List<Message> deadLetters() {
        List<Message> messages = new ArrayList<>();
        Await.until("the dead-letter queue to be readable", timeout(), () -> {
            messages.clear();
            messages.addAll(env.sqs()
                    .receiveMessage(b -> b.queueUrl(env.deadLetterQueueUrl())
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(0)
                            .messageAttributeNames("All"))
                    .messages());
            return !messages.isEmpty();
        });
        return messages;
    }

    private List<Message> deadLettersFor(String sub) {
        return env
                .sqs()
                .receiveMessage(b -> b.queueUrl(env.deadLetterQueueUrl())
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(0))
                .messages()
                .stream()
                .filter(m -> m.body().contains(sub))
                .toList();
    }
}
