package dev.provisioning.ops.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.DeadLetterAttributes;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The dead-letter queue seen by an operator: messages grouped by the reason the provisioner
 * attached, and a redrive that moves them back without the failure attributes; the SQS client
 * belongs to the caller.
 *
 * <p>SQS has no way to browse a queue, so every scan receives messages and hides them for at most
 * {@link #hold()} (5 minutes by default) so that the next receive returns others, then makes them
 * visible again as soon as the scan ends. A scan is bounded three ways, so a large or growing DLQ
 * cannot keep it running: it stops at an empty receive, at the first message it has already seen
 * (a hidden message came back: the hold ran out, or someone else released it), and once half the
 * hold has passed (the other half is left for releasing what it hid). A scan that stopped before
 * seeing the depth read up front says so in its {@link Coverage}.
 */
public final class DeadLetterQueue {

    /** Shown for messages the queue's own redrive moved (a crash on the last attempt): no reason attached. */
    static final String NO_REASON = "(moved by the queue's redrive policy)";

    /** How long a scan hides the messages it received, unless the command line says otherwise. */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROGRESS_EVERY = 100;
    // A target queue that refuses this many sends in a row refuses the rest too; stop and report.
    private static final int MAX_FAILURES_IN_A_ROW = 10;

    private final SqsClient sqs;
    private final String url;
    private final Clock clock;
    private final Duration hold;

    public DeadLetterQueue(SqsClient sqs, String url, Clock clock) {
        this(sqs, url, clock, DEFAULT_HOLD);
    }

    /** @param hold how long a scan may hide a message it received; whole seconds, 1 to 43200 */
    public DeadLetterQueue(SqsClient sqs, String url, Clock clock, Duration hold) {
        if (hold.toSeconds() < 1 || hold.toSeconds() > 43_200) {
            throw new IllegalArgumentException("hold must be 1 s to 12 h (SQS's visibility limits), got " + hold);
        }
        this.sqs = sqs;
        this.url = url;
        this.clock = clock;
        this.hold = hold;
    }

    public Duration hold() {
        return hold;
    }

    /**
     * How much of the queue a scan saw.
     *
     * @param seen distinct messages received
     * @param approximateDepth {@code ApproximateNumberOfMessages} before the scan, -1 when unreadable
     * @param stoppedEarly why the scan stopped before the end of the queue, empty when it did not
     * @param unreleased hidden messages that could not be made visible again (they reappear when the hold ends)
     * @param failed true when it stopped early because of an error (a receive, or too many failed sends)
     */
    public record Coverage(
            int seen, int approximateDepth, Optional<String> stoppedEarly, int unreleased, boolean failed) {

        boolean complete() {
            return stoppedEarly.isEmpty();
        }

        public List<String> notes(Duration hold) {
            List<String> notes = new ArrayList<>();
            stoppedEarly.ifPresent(why -> notes.add(String.format(
                    Locale.ROOT,
                    "saw %d of about %s messages: %s; run again for the rest",
                    seen,
                    approximateDepth < 0 ? "?" : Integer.toString(approximateDepth),
                    why)));
            if (unreleased > 0) {
                notes.add(unreleased + " messages could not be made visible again; they reappear within "
                        + hold.toSeconds() + " s");
            }
            return notes;
        }
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

    /** What {@link #list(PrintStream)} found. */
    record Listing(String queueUrl, int total, List<Group> groups, Coverage coverage, Duration hold) {

        void print(PrintStream out) {
            out.println("dead-letter queue " + queueUrl);
            out.println("messages: " + total);
            for (Group group : groups) {
                out.printf(
                        "  %-40s %5d   oldest %s, newest %s   e.g. %s%n",
                        group.label(),
                        group.count(),
                        human(group.oldest()),
                        human(group.newest()),
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
    }

    /**
     * What a redrive did.
     *
     * @param moved sent to the queue and deleted from the DLQ (in a dry run: would be)
     * @param skipped seen but not chosen (another reason)
     * @param failed chosen but still on the DLQ: the send failed, or the delete after a send did
     * @param arrived dead-lettered after the run started (perhaps a redriven message failing again): left alone
     */
    record RedriveResult(int moved, int skipped, int failed, int arrived, Coverage coverage) {

        boolean ok() {
            return failed == 0 && !coverage.failed();
        }
    }

    /** Messages read by {@link #read}, with how much of the queue they cover. */
    public record Read(List<Message> messages, Coverage coverage) {}

    Listing list(PrintStream progress) {
        Read read = read(true, Integer.MAX_VALUE, progress);
        Instant now = clock.instant();
        Map<List<String>, List<Message>> byReason =
                new TreeMap<>(Comparator.<List<String>, String>comparing(key -> key.get(0))
                        .thenComparing(key -> Objects.requireNonNullElse(key.get(1), "")));
        for (Message message : read.messages()) {
            List<String> key = new ArrayList<>(2);
            key.add(reason(message));
            key.add(lastReason(message).orElse(null));
            byReason.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        List<Group> groups = new ArrayList<>();
        byReason.forEach((key, group) -> {
            Duration oldest = Duration.ZERO;
            Duration newest = null;
            List<String> examples = new ArrayList<>();
            for (Message message : group) {
                Duration age = Duration.between(sentAt(message), now);
                oldest = age.compareTo(oldest) > 0 ? age : oldest;
                newest = newest == null || age.compareTo(newest) < 0 ? age : newest;
                if (examples.size() < 3) {
                    examples.add(attribute(message, DeadLetterAttributes.SOURCE_MESSAGE_ID)
                            .orElse(message.messageId()));
                }
            }
            groups.add(new Group(
                    key.get(0), key.get(1), group.size(), oldest, newest == null ? Duration.ZERO : newest, examples));
        });
        return new Listing(url, read.messages().size(), groups, read.coverage(), hold);
    }

    /**
     * Moves messages back to {@code queueUrl}: body and the producer's attributes, without the
     * {@code failure.*} and {@code source.*} ones. Each chosen message is sent, then deleted from
     * the DLQ only once the send succeeded; a failure is counted and the run goes on (until
     * {@value #MAX_FAILURES_IN_A_ROW} in a row). Messages dead-lettered after the run started are
     * left alone: a redriven message that fails again at once comes back as a new message, and
     * sending it again would loop until the scan's time ran out. A dry run sends and deletes
     * nothing and hides messages only while it scans.
     *
     * @param reason only messages whose reason, or last reason after exhausted retries, is this
     * @param max the most messages to move
     */
    RedriveResult redrive(String queueUrl, Optional<String> reason, int max, boolean dryRun, PrintStream progress) {
        Redrive run = new Redrive(queueUrl, reason, max, dryRun, clock.instant(), progress);
        Coverage coverage = scan(true, Integer.MAX_VALUE, run, progress);
        return new RedriveResult(run.moved, run.skipped, run.failed, run.arrived, coverage);
    }

    /** The per-message part of a redrive; its counters are read once the scan ended. */
    private final class Redrive implements Visitor {
        private final String queueUrl;
        private final Optional<String> reason;
        private final int max;
        private final boolean dryRun;
        private final Instant startedAt;
        private final PrintStream progress;
        private int moved;
        private int skipped;
        private int failed;
        private int arrived;
        private int failedInARow;
        private String error;

        Redrive(
                String queueUrl,
                Optional<String> reason,
                int max,
                boolean dryRun,
                Instant startedAt,
                PrintStream progress) {
            this.queueUrl = queueUrl;
            this.reason = reason;
            this.max = max;
            this.dryRun = dryRun;
            this.startedAt = startedAt;
            this.progress = progress;
        }

        @Override
        public boolean visit(Message message) {
            if (sentTimestamp(message).map(sent -> sent.isAfter(startedAt)).orElse(false)) {
                arrived++;
                return false;
            }
            if (reason.isPresent() && !matches(message, reason.get())) {
                skipped++;
                return false;
            }
            if (dryRun) {
                moved++;
                return false;
            }
            try {
                sqs.sendMessage(b -> b.queueUrl(queueUrl)
                        .messageBody(message.body())
                        .messageAttributes(producerAttributes(message)));
            } catch (SdkException e) {
                failure(message, "send failed, left on the DLQ", e);
                return false;
            }
            try {
                sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receiptHandle()));
            } catch (SdkException e) {
                // The copy is on the queue; the DLQ keeps its original, which a later redrive sends
                // again: harmless, the provisioner is idempotent by userPoolId#sub.
                failure(message, "sent, but the delete from the DLQ failed (a later redrive sends it again)", e);
                return false;
            }
            moved++;
            failedInARow = 0;
            return true;
        }

        private void failure(Message message, String what, SdkException e) {
            failed++;
            failedInARow++;
            progress.printf(
                    "dlq: message %s: %s: %s: %s%n",
                    message.messageId(), what, e.getClass().getSimpleName(), e.getMessage());
            if (failedInARow >= MAX_FAILURES_IN_A_ROW) {
                error = failedInARow + " messages in a row failed, stopped; last: "
                        + e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }

        @Override
        public boolean done() {
            return moved + failed >= max;
        }

        @Override
        public Optional<String> abort() {
            return Optional.ofNullable(error);
        }

        @Override
        public String progress() {
            return String.format(
                    Locale.ROOT,
                    "%s %d, skipped %d, failed %d",
                    dryRun ? "would move" : "moved",
                    moved,
                    skipped,
                    failed);
        }
    }

    /** Subs of the confirmations on the queue (bodies that are not messages are skipped). */
    public record Subs(Set<String> subs, Coverage coverage) {}

    /**
     * @param hide false to receive with visibility 0 (hides nothing, but the scan stops at the first
     *     message received twice, which can be early): for dry runs
     */
    public Subs subs(boolean hide, PrintStream progress) {
        Read read = read(hide, Integer.MAX_VALUE, progress);
        Set<String> subs = new HashSet<>();
        for (Message message : read.messages()) {
            try {
                var sub = JSON.readTree(message.body()).get("sub");
                if (sub != null && sub.isTextual()) {
                    subs.add(sub.textValue());
                }
            } catch (java.io.IOException | RuntimeException e) {
                // Not a confirmation: nothing to exclude.
            }
        }
        return new Subs(subs, read.coverage());
    }

    /** Receives up to {@code limit} messages and makes them visible again before returning. */
    public Read read(boolean hide, int limit, PrintStream progress) {
        List<Message> messages = new ArrayList<>();
        Coverage coverage = scan(
                hide,
                limit,
                new Visitor() {
                    @Override
                    public boolean visit(Message message) {
                        messages.add(message);
                        return false;
                    }

                    @Override
                    public String progress() {
                        return "read " + messages.size();
                    }
                },
                progress);
        return new Read(messages, coverage);
    }

    /** What a scan does with each distinct message it receives. */
    private interface Visitor {

        /** @return true when the message is gone from the DLQ (nothing to release) */
        boolean visit(Message message);

        /** True once the visitor has done what it was asked (e.g. {@code --max} messages). */
        default boolean done() {
            return false;
        }

        /** Why the scan must stop before the end of the queue (e.g. the target refuses every send). */
        default Optional<String> abort() {
            return Optional.empty();
        }

        String progress();
    }

    private Coverage scan(boolean hide, int limit, Visitor visitor, PrintStream progress) {
        int depth = approximateDepth();
        int visibility = hide ? (int) hold.toSeconds() : 0;
        Instant deadline = clock.instant().plus(hold.dividedBy(2));
        Set<String> seen = new HashSet<>();
        // Latest receipt handle of each message still hidden: a message received twice has a new one.
        Map<String, String> hidden = new LinkedHashMap<>();
        String stoppedEarly = null;
        boolean failed = false;
        int unreleased;
        try {
            scanning:
            while (true) {
                if (hide && !clock.instant().isBefore(deadline)) {
                    stoppedEarly = "stopped after half the " + hold.toSeconds()
                            + " s hold, so that what it hid is released in time";
                    break;
                }
                List<Message> batch;
                try {
                    batch = receive(visibility);
                } catch (SdkException e) {
                    stoppedEarly = "receive failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                    failed = true;
                    break;
                }
                if (batch.isEmpty()) {
                    break;
                }
                for (int i = 0; i < batch.size(); i++) {
                    Message message = batch.get(i);
                    Optional<String> stop = stop(visitor, seen.size(), limit);
                    boolean repeated = seen.contains(message.messageId());
                    if (stop.isPresent() || repeated) {
                        if (hide) {
                            // Received but not visited: the rest of the batch goes back at the end.
                            batch.subList(i, batch.size()).forEach(m -> hidden.put(m.messageId(), m.receiptHandle()));
                        }
                        if (stop.isPresent()) {
                            stoppedEarly = stop.get().isEmpty() ? null : stop.get();
                            failed = visitor.abort().isPresent();
                        } else if (depth < 0 || seen.size() < depth) {
                            // A message came back while this scan still hid it: the queue is bigger
                            // than one hold covers (or someone released it); going on would count twice.
                            stoppedEarly = "stopped at a message received twice (it became visible again)";
                        }
                        break scanning;
                    }
                    seen.add(message.messageId());
                    boolean gone = visitor.visit(message);
                    if (hide && !gone) {
                        hidden.put(message.messageId(), message.receiptHandle());
                    }
                    if (seen.size() % PROGRESS_EVERY == 0) {
                        progress.printf(
                                "  scanned %d/~%s: %s%n",
                                seen.size(), depth < 0 ? "?" : Integer.toString(depth), visitor.progress());
                    }
                }
                Optional<String> stop = stop(visitor, seen.size(), limit);
                if (stop.isPresent()) {
                    stoppedEarly = stop.get().isEmpty() ? null : stop.get();
                    failed = visitor.abort().isPresent();
                    break;
                }
            }
        } finally {
            unreleased = release(hidden.values());
        }
        return new Coverage(seen.size(), depth, Optional.ofNullable(stoppedEarly), unreleased, failed);
    }

    /** Empty to go on; blank when the visitor is done as asked; else why the scan stops short. */
    private static Optional<String> stop(Visitor visitor, int seen, int limit) {
        Optional<String> abort = visitor.abort();
        if (abort.isPresent()) {
            return abort;
        }
        if (visitor.done()) {
            return Optional.of("");
        }
        return seen >= limit ? Optional.of("stopped at the limit of " + limit + " messages") : Optional.empty();
    }

    private int approximateDepth() {
        try {
            String depth = sqs.getQueueAttributes(
                            b -> b.queueUrl(url).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes()
                    .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            return depth == null ? -1 : Integer.parseInt(depth);
        } catch (SdkException | NumberFormatException e) {
            // Only the coverage report needs it; the scan's other bounds still hold.
            return -1;
        }
    }

    private List<Message> receive(int visibility) {
        // Long polling (1 s), because a short poll samples some of SQS's servers and can come back
        // empty while messages remain.
        return sqs.receiveMessage(b -> b.queueUrl(url)
                        .maxNumberOfMessages(10)
                        .visibilityTimeout(visibility)
                        .waitTimeSeconds(1)
                        .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP)
                        .messageAttributeNames("All"))
                .messages();
    }

    /** @return how many could not be made visible again */
    private int release(java.util.Collection<String> receiptHandles) {
        List<String> handles = new ArrayList<>(receiptHandles);
        int failed = 0;
        for (int start = 0; start < handles.size(); start += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = start; i < Math.min(start + 10, handles.size()); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                        .id(Integer.toString(i))
                        .receiptHandle(handles.get(i))
                        .visibilityTimeout(0)
                        .build());
            }
            try {
                ChangeMessageVisibilityBatchResponse response =
                        sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries));
                failed += response.failed().size();
            } catch (SdkException e) {
                // They become visible when the hold ends; the caller reports how many.
                failed += entries.size();
            }
        }
        return failed;
    }

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

    private static Optional<String> attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? Optional.empty() : Optional.ofNullable(value.stringValue());
    }

    private Instant sentAt(Message message) {
        return sentTimestamp(message).orElseGet(clock::instant);
    }

    private static Optional<Instant> sentTimestamp(Message message) {
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
