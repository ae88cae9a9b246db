package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.provisioning.common.AccountItem;
import dev.provisioning.common.DeadLetterAttributes;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The batch engine against ElasticMQ (a real SQS) and DynamoDB Local: what is reported back,
 * what is dead-lettered, and what is left for later when the invocation runs out of time. The
 * records here never reach SES (malformed, or deferred), so its client points nowhere.
 */
class BatchProcessorTest {

    private static final Duration RESERVE = Duration.ofSeconds(5);

    private static SQSRestServer elasticMq;
    private static SqsClient sqs;
    private static LocalDynamoDb dynamoDbLocal;
    private static SesClient nowhere;
    private String queueUrl;
    private String deadLetterQueueUrl;
    private BatchProcessor processor;

    @BeforeAll
    static void start() throws Exception {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .start();
        int port = elasticMq.waitUntilStarted().localAddress().getPort();
        sqs = SqsClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + port))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        dynamoDbLocal = LocalDynamoDb.start();
        nowhere = SesClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9"))
                .region(Region.EU_CENTRAL_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        nowhere.close();
        sqs.close();
        elasticMq.stopAndWait();
        dynamoDbLocal.close();
    }

    @BeforeEach
    void queues() {
        String suffix = Long.toString(System.nanoTime());
        queueUrl = sqs.createQueue(b -> b.queueName("provisioning-" + suffix)).queueUrl();
        deadLetterQueueUrl =
                sqs.createQueue(b -> b.queueName("provisioning-dlq-" + suffix)).queueUrl();
        AccountProvisioner provisioner = new AccountProvisioner(
                new AccountStore(dynamoDbLocal.client(List.of()), LocalDynamoDb.TABLE),
                new WelcomeEmailSender(nowhere, "no-reply@example.com"),
                Optional.empty(),
                Clock.systemUTC(),
                Duration.ofSeconds(60),
                ProvisioningMetrics.disabled(),
                UnverifiedEmail.SKIP);
        processor = new BatchProcessorBuilder()
                .withProvisioner(provisioner)
                .withBackoff(RetryBackoff.withFullJitter(Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .withDeadLetters(new DeadLetterPublisher(sqs, deadLetterQueueUrl))
                .withQueue(sqs, queueUrl, 5)
                .withRecordReserve(RESERVE)
                .withMetrics(ProvisioningMetrics.disabled())
                .withConcurrency(10)
                .build();
    }

    @Test
    void process_whenTimeRunsOutAfterTheFirstRecord_defersTheRestUntouched() {
        List<SQSMessage> records = received("not json 1", "not json 2", "not json 3");
        Deque<Long> remaining = new ArrayDeque<>(List.of(RESERVE.toMillis() - 1));

        SQSBatchResponse response = processor.process(records, () -> remaining.isEmpty() ? 0 : remaining.pop());

        assertThat(response.getBatchItemFailures())
                .extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(records.get(1).getMessageId(), records.get(2).getMessageId());
        assertThat(deadLetters()).extracting(Message::body).containsExactly("not json 1");
        // Handed back at once, not after the queue's visibility timeout.
        assertThat(sqs.receiveMessage(b ->
                                b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(1))
                        .messages())
                .extracting(Message::body)
                .containsExactlyInAnyOrder("not json 2", "not json 3");
    }

    @Test
    void process_whenOutOfTimeButARecordIsOnItsLastReceive_startsItAnyway() {
        List<SQSMessage> records = received("not json first", "not json last chance");
        records.get(1).getAttributes().put("ApproximateReceiveCount", "5");

        SQSBatchResponse response = processor.process(records, () -> 0);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters())
                .extracting(Message::body)
                .containsExactlyInAnyOrder("not json first", "not json last chance");
    }

    @Test
    void process_whenTimeIsPlenty_deadLettersEveryMalformedRecordWithItsReason() {
        List<SQSMessage> records = received("{\"schemaVersion\":2}", "{truncated");

        SQSBatchResponse response = processor.process(records, () -> Long.MAX_VALUE);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters())
                .extracting(m ->
                        m.messageAttributes().get(DeadLetterAttributes.REASON).stringValue())
                .containsExactlyInAnyOrder("UNSUPPORTED_SCHEMA_VERSION", "NOT_JSON");
    }

    @Test
    void process_whenARecordIsValid_provisionsItAndReportsNothing() {
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        // No email address: the account is created and SES is never called.
        UserConfirmed message = Messages.confirmed("valid-no-email");
        UserConfirmed withoutEmail = new UserConfirmed(
                message.schemaVersion(),
                message.messageId(),
                message.idempotencyKey(),
                message.userPoolId(),
                message.userName(),
                message.sub(),
                null,
                false,
                message.name(),
                message.triggerSource(),
                message.confirmedAt(),
                message.region(),
                message.clientId(),
                message.clientMetadata());
        List<SQSMessage> records = received(codec.encode(withoutEmail));

        SQSBatchResponse response = processor.process(records, () -> Long.MAX_VALUE);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters()).isEmpty();
        assertThat(dynamoDbLocal
                        .client(List.of())
                        .getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                                .key(Map.of(AccountItem.KEY, AttributeValue.fromS(message.idempotencyKey()))))
                        .item()
                        .get("emailState")
                        .s())
                .isEqualTo("NOT_APPLICABLE");
    }

    @Test
    void process_whenEveryMetricThrows_stillFinishesTheRecordsItProvisionedOrDeadLettered() {
        // A registry that fails every measurement: the account is written before the first metric, so a metric
        // that could fail the record would make its retry a provisioned user in the dead-letter queue.
        ProvisioningMetrics failing =
                new ProvisioningMetrics(
                        new dev.provisioning.common.metrics.MetricsSettings("test", "test"),
                        null,
                        Duration.ofSeconds(1),
                        Clock.systemUTC()) {
                    @Override
                    io.micrometer.core.instrument.MeterRegistry registry() {
                        throw new IllegalStateException("the registry is broken");
                    }
                };
        AccountProvisioner provisioner = new AccountProvisioner(
                new AccountStore(dynamoDbLocal.client(List.of()), LocalDynamoDb.TABLE),
                new WelcomeEmailSender(nowhere, "no-reply@example.com"),
                Optional.empty(),
                Clock.systemUTC(),
                Duration.ofSeconds(60),
                failing,
                UnverifiedEmail.SKIP);
        BatchProcessor withFailingMetrics = new BatchProcessorBuilder()
                .withProvisioner(provisioner)
                .withBackoff(RetryBackoff.withFullJitter(Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .withDeadLetters(new DeadLetterPublisher(sqs, deadLetterQueueUrl))
                .withQueue(sqs, queueUrl, 5)
                .withRecordReserve(RESERVE)
                .withMetrics(failing)
                .build();
        UserConfirmed message = Messages.confirmed("metrics-broken");
        UserConfirmed withoutEmail = new UserConfirmed(
                message.schemaVersion(),
                message.messageId(),
                message.idempotencyKey(),
                message.userPoolId(),
                message.userName(),
                message.sub(),
                null,
                false,
                message.name(),
                message.triggerSource(),
                message.confirmedAt(),
                message.region(),
                message.clientId(),
                message.clientMetadata());
        List<SQSMessage> records = received(UserConfirmedCodec.create().encode(withoutEmail), "not json");

        SQSBatchResponse response = withFailingMetrics.process(records, () -> Long.MAX_VALUE);

        assertThat(response.getBatchItemFailures()).isEmpty();
        assertThat(deadLetters()).hasSize(1);
        assertThat(dynamoDbLocal
                        .client(List.of())
                        .getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                                .key(Map.of(AccountItem.KEY, AttributeValue.fromS(message.idempotencyKey()))))
                        .item())
                .isNotEmpty();
    }

    @Test
    void process_whenAConfigurationFailureOutlastsTheReceives_requeuesTheRecordInsteadOfDeadLetteringIt() {
        // The table is missing (a wiring fault every record hits): on its last receive the record is put back as a
        // fresh copy, so fixing the configuration heals it without a redrive.
        AccountProvisioner misconfigured = new AccountProvisioner(
                new AccountStore(dynamoDbLocal.client(List.of()), "no-such-table"),
                new WelcomeEmailSender(nowhere, "no-reply@example.com"),
                Optional.empty(),
                Clock.systemUTC(),
                Duration.ofSeconds(60),
                ProvisioningMetrics.disabled(),
                UnverifiedEmail.SKIP);
        BatchProcessor lastReceive = new BatchProcessorBuilder()
                .withProvisioner(misconfigured)
                .withBackoff(RetryBackoff.withFullJitter(Duration.ZERO, Duration.ZERO))
                .withDeadLetters(new DeadLetterPublisher(sqs, deadLetterQueueUrl))
                .withQueue(sqs, queueUrl, 1)
                .withRecordReserve(RESERVE)
                .withMetrics(ProvisioningMetrics.disabled())
                .build();
        UserConfirmed message = new UserConfirmed(
                1,
                "m-config",
                UserConfirmed.idempotencyKey(Messages.POOL, "config-sub"),
                Messages.POOL,
                "u",
                "config-sub",
                null,
                false,
                "",
                "PostConfirmation_ConfirmSignUp",
                java.time.Instant.now(),
                "eu-central-1",
                null,
                Map.of());
        String body = UserConfirmedCodec.create().encode(message);
        List<SQSMessage> records = received(body);

        SQSBatchResponse response = lastReceive.process(records, () -> Long.MAX_VALUE);

        assertThat(response.getBatchItemFailures())
                .as("the original is done with")
                .isEmpty();
        assertThat(deadLetters()).isEmpty();
        List<Message> requeued = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                        .maxNumberOfMessages(10)
                        .waitTimeSeconds(2)
                        .messageAttributeNames("All"))
                .messages();
        assertThat(requeued).singleElement().satisfies(copy -> {
            assertThat(copy.body()).isEqualTo(body);
            assertThat(copy.messageAttributes()).containsKey(UserConfirmed.SCHEMA_VERSION_ATTRIBUTE);
        });
    }

    /** Sends the bodies to the queue and receives them, as the event source mapping would. */
    private List<SQSMessage> received(String... bodies) {
        for (String body : bodies) {
            sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body));
        }
        List<Message> messages = new ArrayList<>();
        while (messages.size() < bodies.length) {
            messages.addAll(sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL))
                    .messages());
        }
        messages.sort(Comparator.comparing(m -> List.of(bodies).indexOf(m.body())));
        return messages.stream().map(BatchProcessorTest::event).toList();
    }

    private static SQSMessage event(Message message) {
        SQSMessage record = new SQSMessage();
        record.setMessageId(message.messageId());
        record.setReceiptHandle(message.receiptHandle());
        record.setBody(message.body());
        Map<String, String> attributes = new HashMap<>();
        message.attributesAsStrings().forEach(attributes::put);
        record.setAttributes(attributes);
        return record;
    }

    private List<Message> deadLetters() {
        return sqs.receiveMessage(b -> b.queueUrl(deadLetterQueueUrl)
                        .maxNumberOfMessages(10)
                        .messageAttributeNames("All")
                        .waitTimeSeconds(1))
                .messages();
    }
}
