package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.esm.SqsEvents;
import dev.provisioning.local.lambda.InvocationResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The walking skeleton, end to end on the default local AWS: a real sign-up and confirmation in
 * cognito-local fires the trigger jar in the Lambda host, the mapping feeds the provisioner jar,
 * and the account and the email are read back from DynamoDB Local and moto.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineEndToEndIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
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
    void confirmSignUp_whenUserConfirms_provisionsOneAccountAndSendsOneEscapedEmail() {
        String email = "e2e-" + UUID.randomUUID() + "@example.com";
        String name = "<b>Tom & \"Jerry\"</b>";

        String sub = signUpAndConfirm(email, name);

        Await.until("the account of " + sub, TIMEOUT, () -> account(sub).isPresent());
        Await.until("the welcome email", TIMEOUT, () -> emailsTo(email).size() == 1);
        Await.until("an empty queue", TIMEOUT, () -> pipeline.queueDepth() == 0);
        Map<String, AttributeValue> item = account(sub).orElseThrow();
        assertThat(item.get("accountId").s()).isEqualTo(pipeline.userPool().poolId() + "#" + sub);
        assertThat(item.get("cognitoSub").s()).isEqualTo(sub);
        assertThat(item.get("email").s()).isEqualTo(email);
        assertThat(item.get("fullName").s()).isEqualTo(name);
        assertThat(item.get("status").s()).isEqualTo("ACTIVE");
        assertThat(item.get("role").s()).isEqualTo("USER");
        assertThat(item.get("createdBy").s()).isEqualTo(sub);
        assertThat(item.get("updatedBy").s()).isEqualTo(sub);
        assertThat(item.get("userPoolId").s()).isEqualTo(pipeline.userPool().poolId());
        assertThat(item.get("emailState").s()).isEqualTo("SENT");
        MotoServer.SentEmail sent = emailsTo(email).get(0);
        assertThat(sent.source()).isEqualTo(pipeline.resources().senderAddress());
        assertThat(item.get("emailMessageId").s()).isEqualTo(sent.messageId());
        assertThat(sent.body())
                .contains("&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;")
                .doesNotContain("<b>Tom");
        assertThat(deadLettersFor(sub)).isEmpty();
        assertThat(String.join("\n", logs)).doesNotContain(email);
    }

    @Test
    void confirmForgotPassword_whenExistingUserResetsPassword_provisionsNothingMore() {
        String email = "reset-" + UUID.randomUUID() + "@example.com";
        String sub = signUpAndConfirm(email, "Reset Me");
        Await.until("the welcome email", TIMEOUT, () -> emailsTo(email).size() == 1);
        Await.until("an empty queue", TIMEOUT, () -> pipeline.queueDepth() == 0);
        long recordsBefore = pipeline.mapping().stats().records();
        long triggerCallsBefore =
                pipeline.lambda().metrics(LocalPipeline.TRIGGER_FUNCTION).invocations();

        pipeline.cognitoClient()
                .forgotPasswordAndConfirm(
                        pipeline.userPool().poolId(), pipeline.userPool().clientId(), email, "N3w-Passw0rd!");

        // cognito-local waits for the trigger, so its enqueue (if any) has happened by now.
        assertThat(pipeline.lambda().metrics(LocalPipeline.TRIGGER_FUNCTION).invocations())
                .isEqualTo(triggerCallsBefore + 1);
        assertThat(pipeline.queueDepth()).isZero();
        assertThat(pipeline.mapping().stats().records()).isEqualTo(recordsBefore);
        assertThat(emailsTo(email)).hasSize(1);
        assertThat(account(sub)).isPresent();
    }

    @Test
    void provisioner_whenBatchHasOneMalformedRecord_provisionsTheOthersAndDeadLettersIt() throws Exception {
        String queueUrl = pipeline.aws()
                .sqs()
                .createQueue(b -> b.queueName("batch-" + UUID.randomUUID()))
                .queueUrl();
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        UserConfirmed first = message("batch-a-" + UUID.randomUUID() + "@example.com");
        UserConfirmed second = message("batch-b-" + UUID.randomUUID() + "@example.com");
        pipeline.aws().sqs().sendMessageBatch(b -> b.queueUrl(queueUrl)
                .entries(
                        entry("1", codec.encode(first)),
                        entry("2", "{\"schemaVersion\":1,\"sub\":"),
                        entry("3", codec.encode(second))));
        List<Message> received = receiveAll(queueUrl, 3);

        InvocationResult result = pipeline.lambda()
                .invoke(
                        LocalPipeline.PROVISIONER_FUNCTION,
                        SqsEvents.of(received, "arn:aws:sqs:us-east-1:000000000000:batch", "us-east-1"));

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

    private String signUpAndConfirm(String email, String name) {
        return pipeline.cognitoClient()
                .signUpAndConfirm(
                        pipeline.userPool().poolId(), pipeline.userPool().clientId(), email, "Passw0rd!-e2e", name);
    }

    private UserConfirmed message(String email) {
        String sub = UUID.randomUUID().toString();
        String pool = pipeline.userPool().poolId();
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
                "us-east-1",
                "client",
                Map.of());
    }

    private static SendMessageBatchRequestEntry entry(String id, String body) {
        return SendMessageBatchRequestEntry.builder().id(id).messageBody(body).build();
    }

    private List<Message> receiveAll(String queueUrl, int count) {
        List<Message> messages = new java.util.ArrayList<>();
        Await.until(count + " messages on " + queueUrl, TIMEOUT, () -> {
            messages.addAll(pipeline.aws()
                    .sqs()
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
        Map<String, AttributeValue> item = pipeline.aws()
                .dynamoDb()
                .getItem(b -> b.tableName(pipeline.resources().tableName())
                        .consistentRead(true)
                        .key(Map.of(
                                "accountId",
                                AttributeValue.fromS(pipeline.userPool().poolId() + "#" + sub))))
                .item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(item);
    }

    private List<MotoServer.SentEmail> emailsTo(String email) {
        return pipeline.aws().moto().sentEmails().stream()
                .filter(e -> e.to().contains(email))
                .toList();
    }

    private List<Message> deadLetters() {
        List<Message> messages = new java.util.ArrayList<>();
        Await.until("the dead-letter queue to be readable", TIMEOUT, () -> {
            messages.clear();
            messages.addAll(pipeline.aws()
                    .sqs()
                    .receiveMessage(b -> b.queueUrl(pipeline.resources().deadLetterQueueUrl())
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(0)
                            .messageAttributeNames("All"))
                    .messages());
            return !messages.isEmpty();
        });
        return messages;
    }

    private List<Message> deadLettersFor(String sub) {
        return pipeline
                .aws()
                .sqs()
                .receiveMessage(b -> b.queueUrl(pipeline.resources().deadLetterQueueUrl())
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(0))
                .messages()
                .stream()
                .filter(m -> m.body().contains(sub))
                .toList();
    }
}
