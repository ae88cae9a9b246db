package dev.provisioning.ops.dlq;

import dev.provisioning.common.DeadLetterAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/** What the provisioner and SQS attached to a dead-lettered message, read the same way by every DLQ command. */
final class DeadLetterMessages {

    /** Shown for messages the queue's own redrive moved (a crash on the last attempt): no reason attached. */
    static final String NO_REASON = "(moved by the queue's redrive policy)";

    private DeadLetterMessages() {}

    static String reason(Message message) {
        return attribute(message, DeadLetterAttributes.REASON).orElse(NO_REASON);
    }

    /** The reason of the last attempt, read from {@code failure.message}, for exhausted retries only. */
    static Optional<String> lastReason(Message message) {
        if (!DeadLetterAttributes.RETRIES_EXHAUSTED.equals(reason(message))) {
            return Optional.empty();
        }
        return attribute(message, DeadLetterAttributes.MESSAGE).flatMap(DeadLetterAttributes::lastReason);
    }

    /** True when {@code wanted} is the message's reason, or the last reason of its exhausted retries. */
    static boolean matches(Message message, String wanted) {
        return wanted.equals(reason(message))
                || lastReason(message).map(wanted::equals).orElse(false);
    }

    static Map<String, MessageAttributeValue> producerAttributes(Message message) {
        Map<String, MessageAttributeValue> kept = new HashMap<>();
        message.messageAttributes().forEach((name, value) -> {
            if (!name.startsWith("failure.") && !name.startsWith("source.")) {
                kept.put(name, value);
            }
        });
        return kept;
    }

    static Optional<String> attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? Optional.empty() : Optional.ofNullable(value.stringValue());
    }

    static Optional<Instant> sentTimestamp(Message message) {
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        try {
            return sent == null ? Optional.empty() : Optional.of(Instant.ofEpochMilli(Long.parseLong(sent)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    static String human(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 120) {
            return seconds + "s";
        }
        if (seconds < 7200) {
            return (seconds / 60) + "m";
        }
        if (seconds < 172800) {
            return (seconds / 3600) + "h";
        }
        return (seconds / 86400) + "d";
    }
}
