package dev.provisioning.ops.dlq;

import dev.provisioning.common.SqsBatches;
import dev.provisioning.ops.cli.Progress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * One bounded pass over the dead-letter queue. SQS has no way to browse a queue, so a scan receives messages and
 * hides them for at most the hold so that the next receive returns others, then makes them visible again as soon
 * as it ends. It stops at an empty receive, at the first message it has already seen (a hidden message came back:
 * the hold ran out, or someone else released it), and once half the hold has passed (the other half is left for
 * releasing what it hid). A scan that stopped before seeing the depth read up front says so in its {@link Coverage}.
 */
final class DeadLetterScan {

    private static final int PROGRESS_EVERY = 100;

    private final SqsClient sqs;
    private final String url;
    private final Clock clock;
    private final Duration hold;

    DeadLetterScan(SqsClient sqs, String url, Clock clock, Duration hold) {
        this.sqs = sqs;
        this.url = url;
        this.clock = clock;
        this.hold = hold;
    }

    /** What a scan does with each distinct message it receives. */
    interface Visitor {

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

    Coverage run(boolean hide, int limit, Visitor visitor, Progress progress) {
        Pass pass = new Pass(hide, limit, visitor, progress, approximateDepth());
        int unreleased;
        try {
            pass.receiveUntilStopped();
        } finally {
            progress.done();
            unreleased = release(pass.hidden.values());
        }
        return new Coverage(
                pass.seen.size(), pass.depth, Optional.ofNullable(pass.stoppedEarly), unreleased, pass.failed);
    }

    /** One scan's state: what it saw, what it still hides, and why it stopped. */
    private final class Pass {
        private final boolean hide;
        private final int limit;
        private final Visitor visitor;
        private final Progress progress;
        private final int depth;
        private final Instant deadline = clock.instant().plus(hold.dividedBy(2));
        private final Set<String> seen = new HashSet<>();
        // Latest receipt handle of each message still hidden: a message received twice has a new one.
        private final Map<String, String> hidden = new LinkedHashMap<>();
        private String stoppedEarly;
        private boolean failed;

        Pass(boolean hide, int limit, Visitor visitor, Progress progress, int depth) {
            this.hide = hide;
            this.limit = limit;
            this.visitor = visitor;
            this.progress = progress;
            this.depth = depth;
        }

        void receiveUntilStopped() {
            int visibility = hide ? (int) hold.toSeconds() : 0;
            while (true) {
                if (hide && !clock.instant().isBefore(deadline)) {
                    stoppedEarly = "stopped after half the " + hold.toSeconds()
                            + " s hold, so that what it hid is released in time";
                    return;
                }
                List<Message> batch;
                try {
                    batch = receive(visibility);
                } catch (SdkException e) {
                    stoppedEarly = "receive failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                    failed = true;
                    return;
                }
                if (batch.isEmpty() || !visitAll(batch) || stopsAfter()) {
                    return;
                }
            }
        }

        /** @return false when the scan must stop inside this batch */
        private boolean visitAll(List<Message> batch) {
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
                    return false;
                }
                seen.add(message.messageId());
                boolean gone = visitor.visit(message);
                if (hide && !gone) {
                    hidden.put(message.messageId(), message.receiptHandle());
                }
                if (seen.size() % PROGRESS_EVERY == 0) {
                    progress.update(
                            seen.size(),
                            depth,
                            String.format(
                                    Locale.ROOT,
                                    "  scanned %d/~%s: %s",
                                    seen.size(),
                                    depth < 0 ? "?" : Integer.toString(depth),
                                    visitor.progress()));
                }
            }
            return true;
        }

        private boolean stopsAfter() {
            Optional<String> stop = stop(visitor, seen.size(), limit);
            if (stop.isPresent()) {
                stoppedEarly = stop.get().isEmpty() ? null : stop.get();
                failed = visitor.abort().isPresent();
                return true;
            }
            return false;
        }
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
        int failed = 0;
        for (List<String> handles : SqsBatches.partition(List.copyOf(receiptHandles))) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < handles.size(); i++) {
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
}
