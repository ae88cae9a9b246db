package dev.provisioning.ops.dlq;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.DeadLetterAttributes;
import dev.provisioning.ops.cli.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The dead-letter queue seen by an operator: messages grouped by the reason the provisioner
 * attached ({@link Listing}), and a redrive that moves them back without the failure attributes
 * ({@link Redrive}); every read is one bounded {@link DeadLetterScan}. The SQS client belongs to the caller.
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

    /** How long a scan hides the messages it received, unless the command line says otherwise. */
    static final Duration DEFAULT_HOLD = Duration.ofMinutes(5);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final String url;
    private final Clock clock;
    private final Duration hold;
    private final DeadLetterScan scanner;

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
        this.scanner = new DeadLetterScan(sqs, url, clock, hold);
    }

    public Duration hold() {
        return hold;
    }

    /** Messages read by {@link #read}, with how much of the queue they cover. */
    public record Read(List<Message> messages, Coverage coverage) {}

    Listing list(Progress progress) {
        Read read = read(true, Integer.MAX_VALUE, progress);
        Instant now = clock.instant();
        Map<List<String>, List<Message>> byReason =
                new TreeMap<>(Comparator.<List<String>, String>comparing(key -> key.get(0))
                        .thenComparing(key -> Objects.requireNonNullElse(key.get(1), "")));
        for (Message message : read.messages()) {
            List<String> key = new ArrayList<>(2);
            key.add(DeadLetterMessages.reason(message));
            key.add(DeadLetterMessages.lastReason(message).orElse(null));
            byReason.computeIfAbsent(key, k -> new ArrayList<>()).add(message);
        }
        List<Listing.Group> groups = new ArrayList<>();
        byReason.forEach((key, group) -> {
            Duration oldest = Duration.ZERO;
            Duration newest = null;
            List<String> examples = new ArrayList<>();
            for (Message message : group) {
                Duration age = Duration.between(sentAt(message), now);
                oldest = age.compareTo(oldest) > 0 ? age : oldest;
                newest = newest == null || age.compareTo(newest) < 0 ? age : newest;
                if (examples.size() < 3) {
                    examples.add(DeadLetterMessages.attribute(message, DeadLetterAttributes.SOURCE_MESSAGE_ID)
                            .orElse(message.messageId()));
                }
            }
            groups.add(new Listing.Group(
                    key.get(0), key.get(1), group.size(), oldest, newest == null ? Duration.ZERO : newest, examples));
        });
        return new Listing(url, read.messages().size(), groups, read.coverage(), hold);
    }

    /**
     * Moves messages back to {@code queueUrl}: body and the producer's attributes, without the
     * {@code failure.*} and {@code source.*} ones. Each chosen message is sent, then deleted from
     * the DLQ only once the send succeeded; a failure is counted and the run goes on (until
     * 10 in a row). Messages dead-lettered after the run started are
     * left alone: a redriven message that fails again at once comes back as a new message, and
     * sending it again would loop until the scan's time ran out. A dry run sends and deletes
     * nothing and hides messages only while it scans.
     *
     * @param reason only messages whose reason, or last reason after exhausted retries, is this
     * @param max the most messages to move
     */
    RedriveResult redrive(String queueUrl, Optional<String> reason, int max, boolean dryRun, Progress progress) {
        Redrive run = new Redrive(sqs, url, queueUrl, reason, max, dryRun, clock.instant(), progress);
        return run.result(scanner.run(true, Integer.MAX_VALUE, run, progress));
    }

    /** Subs of the confirmations on the queue (bodies that are not messages are skipped). */
    public record Subs(Set<String> subs, Coverage coverage) {}

    /**
     * @param hide false to receive with visibility 0 (hides nothing, but the scan stops at the first
     *     message received twice, which can be early): for dry runs
     */
    public Subs subs(boolean hide, Progress progress) {
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
    public Read read(boolean hide, int limit, Progress progress) {
        List<Message> messages = new ArrayList<>();
        Coverage coverage = scanner.run(
                hide,
                limit,
                new DeadLetterScan.Visitor() {
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

    private Instant sentAt(Message message) {
        return DeadLetterMessages.sentTimestamp(message).orElseGet(clock::instant);
    }
}
