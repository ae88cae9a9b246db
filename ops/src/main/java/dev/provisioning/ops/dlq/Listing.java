package dev.provisioning.ops.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** What {@link DeadLetterQueue#list(PrintStream)} found: the messages grouped by reason, and the coverage. */
record Listing(String queueUrl, int total, List<Group> groups, Coverage coverage, Duration hold) {

    private static final ObjectMapper JSON = new ObjectMapper();

    void print(PrintStream out) {
        out.println("dead-letter queue " + queueUrl);
        out.println("messages: " + total);
        for (Group group : groups) {
            out.printf(
                    "  %-40s %5d   oldest %s, newest %s   e.g. %s%n",
                    group.label(),
                    group.count(),
                    DeadLetterMessages.human(group.oldest()),
                    DeadLetterMessages.human(group.newest()),
                    String.join(", ", group.sourceMessageIds()));
        }
        coverage.notes(hold).forEach(note -> out.println("note: " + note));
        if (total > 0) {
            out.println("redrive after fixing the cause: ./pipeline dlq redrive [--reason REASON] [--dry-run]");
        }
    }

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("queueUrl", queueUrl);
        root.put("total", total);
        root.put("approximateDepth", coverage.approximateDepth());
        root.put("complete", coverage.complete());
        coverage.notes(hold).forEach(root.putArray("notes")::add);
        ArrayNode array = root.putArray("reasons");
        for (Group group : groups) {
            ObjectNode node = array.addObject();
            node.put("reason", group.reason());
            if (group.lastReason() != null) {
                node.put("lastReason", group.lastReason());
            }
            node.put("count", group.count());
            node.put("oldestSeconds", group.oldest().toSeconds());
            node.put("newestSeconds", group.newest().toSeconds());
            group.sourceMessageIds().forEach(node.putArray("sourceMessageIds")::add);
        }
        return root.toPrettyString();
    }

    /** One reason (and, for exhausted retries, the last attempt's reason) and its messages. */
    record Group(
            String reason,
            String lastReason,
            int count,
            Duration oldest,
            Duration newest,
            List<String> sourceMessageIds) {

        String label() {
            return lastReason == null ? reason : reason + " (last " + lastReason + ")";
        }
    }
}
