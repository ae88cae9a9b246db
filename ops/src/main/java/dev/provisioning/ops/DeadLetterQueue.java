package dev.provisioning.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The dead-letter queue seen by an operator: messages grouped by the reason the provisioner
 * attached, and a redrive that moves them back without the failure attributes. Reading never
 * consumes: messages are received with a short visibility timeout and made visible again.
 */
final class DeadLetterQueue {

    /** Shown for messages the queue's own redrive moved (a crash on the last attempt): no reason attached. */
    static final String NO_REASON = "(moved by the queue's redrive policy)";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int READ_VISIBILITY_SECONDS = 30;

    private final SqsClient sqs;
    private final String url;
    private final Clock clock;

    DeadLetterQueue(SqsClient sqs, String url, Clock clock) {
        this.sqs = sqs;
        this.url = url;
        this.clock = clock;
    }

    /** One reason and its messages. */
    record Group(String reason, int count, Duration oldest, Duration newest, List<String> sourceMessageIds) {}

    /** What {@link #list()} found. */
    record Listing(String queueUrl, int total, List<Group> groups) {

        void print(PrintStream out) {
            out.println("dead-letter queue " + queueUrl);
            out.println("messages: " + total);
            for (Group group : groups) {
                out.printf(
                        "  %-40s %5d   oldest %s, newest %s   e.g. %s%n",
                        group.reason(),
                        group.count(),
                        human(group.oldest()),
                        human(group.newest()),
                        String.join(", ", group.sourceMessageIds()));
            }
            if (total > 0) {
                out.println("redrive after fixing the cause: ./pipeline dlq redrive [--reason REASON] [--dry-run]");
            }
        }

        String toJson() {
            ObjectNode root = JSON.createObjectNode();
            root.put("queueUrl", queueUrl);
            root.put("total", total);
            ArrayNode array = root.putArray("reasons");
            for (Group group : groups) {
                ObjectNode node = array.addObject();
                node.put("reason", group.reason());
                node.put("count", group.count());
                node.put("oldestSeconds", group.oldest().toSeconds());
                node.put("newestSeconds", group.newest().toSeconds());
                group.sourceMessageIds().forEach(node.putArray("sourceMessageIds")::add);
            }
            return root.toPrettyString();
        }
    }

    /** What a redrive did. */
    record RedriveResult(int moved, int skipped) {}

    Listing list() {
        List<Message> messages = receiveAll();
        makeVisible(messages);
        Instant now = clock.instant();
        Map<String, List<Message>> byReason = new TreeMap<>();
        for (Message message : messages) {
            byReason.computeIfAbsent(reason(message), k -> new ArrayList<>()).add(message);
        }
        List<Group> groups = new ArrayList<>();
        byReason.forEach((reason, group) -> {
            Duration oldest = Duration.ZERO;
            Duration newest = null;
            List<String> examples = new ArrayList<>();
            for (Message message : group) {
                Duration age = Duration.between(sentAt(message), now);
                oldest = age.compareTo(oldest) > 0 ? age : oldest;
                newest = newest == null || age.compareTo(newest) < 0 ? age : newest;
                if (examples.size() < 3) {
                    examples.add(attribute(message, "source.messageId").orElse(message.messageId()));
                }
            }
            groups.add(new Group(reason, group.size(), oldest, newest == null ? Duration.ZERO : newest, examples));
        });
        return new Listing(url, messages.size(), groups);
    }

    /**
     * Moves messages back to {@code queueUrl}: body and the producer's attributes, without the
     * {@code failure.*} and {@code source.*} ones. Only messages with {@code reason} when given.
     */
    RedriveResult redrive(String queueUrl, Optional<String> reason, int max, boolean dryRun, PrintStream progress) {
        int moved = 0;
        int skipped = 0;
        List<Message> leftInvisible = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (moved < max) {
            List<Message> batch = receive();
            if (batch.isEmpty()) {
                break;
            }
            for (Message message : batch) {
                if (!seen.add(message.messageId())) {
                    continue;
                }
                if (moved >= max || (reason.isPresent() && !reason.get().equals(reason(message)))) {
                    skipped++;
                    leftInvisible.add(message);
                    continue;
                }
                if (dryRun) {
                    leftInvisible.add(message);
                } else {
                    sqs.sendMessage(b -> b.queueUrl(queueUrl)
                            .messageBody(message.body())
                            .messageAttributes(producerAttributes(message)));
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
                }
                moved++;
                if (moved % 100 == 0) {
                    progress.printf("  %d %s%n", moved, dryRun ? "would be moved" : "moved");
                }
            }
        }
        makeVisible(leftInvisible);
        return new RedriveResult(moved, skipped);
    }

    /** Subs of the confirmations on the queue (bodies that are not messages are skipped). */
    Set<String> subs() {
        List<Message> messages = receiveAll();
        makeVisible(messages);
        Set<String> subs = new HashSet<>();
        for (Message message : messages) {
            try {
                var sub = JSON.readTree(message.body()).get("sub");
                if (sub != null && sub.isTextual()) {
                    subs.add(sub.textValue());
                }
            } catch (java.io.IOException | RuntimeException e) {
                // Not a confirmation: nothing to exclude.
            }
        }
        return subs;
    }

    private List<Message> receiveAll() {
        List<Message> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Message> batch = receive();
            if (batch.isEmpty()) {
                return all;
            }
            batch.stream().filter(m -> seen.add(m.messageId())).forEach(all::add);
        }
    }

    private List<Message> receive() {
        return sqs.receiveMessage(b -> b.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(READ_VISIBILITY_SECONDS)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
                        .messageAttributeNames("All"))
                .messages();
    }

    private void makeVisible(List<Message> messages) {
        for (Message message : messages) {
            sqs.changeMessageVisibility(
                    b -> b.queueUrl(url).receiptHandle(message.receiptHandle()).visibilityTimeout(0));
        }
    }

    static String reason(Message message) {
        return attribute(message, "failure.reason").orElse(NO_REASON);
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

    private static Optional<String> attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? Optional.empty() : Optional.ofNullable(value.stringValue());
    }

    private Instant sentAt(Message message) {
        String sent = message.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        return sent == null ? clock.instant() : Instant.ofEpochMilli(Long.parseLong(sent));
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
