package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.provisioning.common.DeadLetterAttributes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * Sends a permanently failed message to the dead-letter queue at once, with the body unchanged
 * and the reason attached as message attributes, so an operator sees why without a log search.
 */
final class DeadLetterPublisher {

    /**
     * The reason's message is cut to this many UTF-16 units: it is for an operator, and the body it travels with
     * must stay within SQS's message size.
     */
    static final int MAX_MESSAGE_LENGTH = 1024;

    private final SqsClient sqs;
    private final String deadLetterQueueUrl;

    DeadLetterPublisher(SqsClient sqs, String deadLetterQueueUrl) {
        this.sqs = sqs;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
    }

    void publish(SQSMessage message, FailureClassifier.Failure failure, Instant now) {
        Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
        if (message.getMessageAttributes() != null) {
            message.getMessageAttributes().forEach((name, value) -> {
                if (value.getStringValue() != null && attributes.size() < 4) {
                    attributes.put(name, text(value.getDataType(), value.getStringValue()));
                }
            });
        }
        attributes.put(DeadLetterAttributes.REASON, text("String", failure.reason()));
        attributes.put(
                DeadLetterAttributes.ERROR_CLASS, text("String", failure.permanent() ? "PERMANENT" : "TRANSIENT"));
        attributes.put(DeadLetterAttributes.MESSAGE, text("String", truncate(failure.message())));
        attributes.put(
                DeadLetterAttributes.FIRST_FAILED_AT,
                text("String", firstFailedAt(message, now).toString()));
        attributes.put(DeadLetterAttributes.SOURCE_MESSAGE_ID, text("String", message.getMessageId()));
        attributes.put(DeadLetterAttributes.RECEIVE_COUNT, text("Number", String.valueOf(ReceiveCount.of(message))));
        String body = message.getBody() == null || message.getBody().isEmpty() ? " " : message.getBody();
        sqs.sendMessage(SendMessageRequest.builder()
                .queueUrl(deadLetterQueueUrl)
                .messageBody(body)
                .messageAttributes(attributes)
                .build());
    }

    /**
     * When the message first failed: its first receive (SQS's {@code
     * ApproximateFirstReceiveTimestamp}) for one that was retried, else now.
     */
    static Instant firstFailedAt(SQSMessage message, Instant now) {
        String first = message.getAttributes() == null
                ? null
                : message.getAttributes().get("ApproximateFirstReceiveTimestamp");
        if (first == null || ReceiveCount.of(message) <= 1) {
            return now;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(first));
        } catch (NumberFormatException e) {
            return now;
        }
    }

    private static MessageAttributeValue text(String type, String value) {
        return MessageAttributeValue.builder()
                .dataType(type)
                .stringValue(value == null || value.isEmpty() ? "-" : value)
                .build();
    }

    /** Cuts at most to {@link #MAX_MESSAGE_LENGTH}, never between the two halves of a surrogate pair. */
    static String truncate(String value) {
        if (value.length() <= MAX_MESSAGE_LENGTH) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(MAX_MESSAGE_LENGTH - 1))
                ? MAX_MESSAGE_LENGTH - 1
                : MAX_MESSAGE_LENGTH;
        return value.substring(0, end);
    }
}
