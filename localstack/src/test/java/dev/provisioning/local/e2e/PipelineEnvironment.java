package dev.provisioning.local.e2e;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One place the whole pipeline runs (trigger, queue with DLQ, mapping, provisioner, table, SES),
 * as the end-to-end scenarios see it. {@link PipelineScenarios} is written against this interface
 * only, so the same scenarios run on every environment. Each implementation owns what it started
 * and the clients it hands out; {@link #close()} stops all of it.
 */
interface PipelineEnvironment extends AutoCloseable {

    /** One email as the environment's SES recorded it; {@code body} is the HTML part when there is one. */
    record SentEmail(String messageId, String source, List<String> to, String body) {}

    /** The outcome of one synchronous invocation of the provisioner function. */
    record Invocation(byte[] payload, boolean functionError, String detail) {
        @Override
        public String toString() {
            return "Invocation[functionError=" + functionError + ", detail=" + detail + ", payload="
                    + new String(payload, java.nio.charset.StandardCharsets.UTF_8) + "]";
        }
    }

    /** A short name for reports, e.g. {@code "default harness"}. */
    String name();

    /**
     * A user signs up and confirms, and the PostConfirmation trigger has returned when this does.
     *
     * @return the user's {@code sub}
     */
    String confirmSignUp(String email, String name);

    /** A user confirmed by {@link #confirmSignUp} resets their password; the trigger has returned when this does. */
    void confirmForgotPassword(String email);

    /** Completed invocations of the trigger function so far. */
    long triggerInvocations();

    /** Queue records the provisioner has been handed so far, as this environment can count them. */
    long provisionerRecords();

    /** Invokes the provisioner function synchronously with an SQS event, as the mapping would. */
    Invocation invokeProvisioner(byte[] event);

    /** Every email the environment's SES accepted, oldest first. */
    List<SentEmail> sentEmails();

    /** Everything the pipeline has logged so far: at least both functions' output. */
    String functionLogs();

    /** The user pool whose confirmations the trigger receives. */
    String poolId();

    String region();

    String senderAddress();

    String tableName();

    String queueUrl();

    String deadLetterQueueUrl();

    /** A client of the environment's SQS, owned by the environment. */
    SqsClient sqs();

    /** A client of the environment's DynamoDB, owned by the environment. */
    DynamoDbClient dynamoDb();

    /** Messages on the main queue, visible, in flight and delayed. */
    default long queueDepth() {
        Map<QueueAttributeName, String> attributes = sqs().getQueueAttributes(b -> b.queueUrl(queueUrl())
                        .attributeNames(
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
                                QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED))
                .attributes();
        return attributes.values().stream().mapToLong(Long::parseLong).sum();
    }

    @Override
    void close();
}
