package dev.provisioning.local.esm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/**
 * What Lambda's SQS event source mapping does, for the local pipeline: pollers receive batches
 * (batch size, batching window), invoke the function with Lambda's exact SQS event shape, and
 * with {@code ReportBatchItemFailures} delete only the records the function did not report.
 *
 * <p>It deliberately does nothing else: visibility timeouts, redrive to the dead-letter queue and
 * receive counts are the queue's job, exactly as in AWS, so the local run exercises them for real.
 * A function error or an unreadable response fails the whole batch (nothing deleted), as in AWS.
 */
public final class SqsEventSourceMapping implements AutoCloseable {

    /** Invokes the mapped function synchronously. */
    @FunctionalInterface
    public interface Invoker {
        Outcome invoke(byte[] event);
    }

    /** What an invocation returned: the payload, and whether it was a function error. */
    public record Outcome(byte[] payload, boolean functionError) {}

    /**
     * Settings of a mapping, named as in Lambda's CreateEventSourceMapping.
     *
     * @param queueUrl the source queue
     * @param queueArn its ARN ({@code eventSourceARN} in the event)
     * @param region the region in the event
     * @param batchSize at most this many records per invocation (1-10)
     * @param maximumBatchingWindow how long to gather records before invoking with fewer
     * @param maximumConcurrency concurrent invocations (pollers), at least 2 as in Lambda
     */
    public record Settings(
            String queueUrl,
            String queueArn,
            String region,
            int batchSize,
            Duration maximumBatchingWindow,
            int maximumConcurrency) {

        public Settings {
            if (batchSize < 1 || batchSize > 10) {
                throw new IllegalArgumentException("batchSize must be 1-10 for a local SQS mapping, got " + batchSize);
            }
            if (maximumConcurrency < 2 || maximumConcurrency > 1000) {
                throw new IllegalArgumentException("maximumConcurrency must be 2-1000, got " + maximumConcurrency);
            }
        }
    }

    /** Counters of everything the mapping did; read them for progress and summaries. */
    public static final class Stats {
        final AtomicLong batches = new AtomicLong();
        final AtomicLong records = new AtomicLong();
        final AtomicLong deleted = new AtomicLong();
        final AtomicLong reportedFailures = new AtomicLong();
        final AtomicLong failedBatches = new AtomicLong();
        final AtomicLong redeliveries = new AtomicLong();

        /**
         * Deliveries beyond the first of each message: the retries the queue made, counted from each record's receive
         * count (nothing is kept per message, so the mapping's memory does not grow with the messages it delivered).
         */
        public long redeliveries() {
            return redeliveries.get();
        }

        public long batches() {
            return batches.get();
        }

        public long records() {
            return records.get();
        }

        public long deleted() {
            return deleted.get();
        }

        public long reportedFailures() {
            return reportedFailures.get();
        }

        /** Batches that failed whole: a function error, a crash, a timeout or a bad response. */
        public long failedBatches() {
            return failedBatches.get();
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SqsClient sqs;
    private final Settings settings;
    private final Invoker invoker;
    private final Consumer<String> log;
    private final Stats stats = new Stats();
    private final List<Thread> pollers = new ArrayList<>();
    private volatile boolean running = true;

    private SqsEventSourceMapping(SqsClient sqs, Settings settings, Invoker invoker, Consumer<String> log) {
        this.sqs = sqs;
        this.settings = settings;
        this.invoker = invoker;
        this.log = log;
    }

    /** Starts {@code maximumConcurrency} pollers. */
    public static SqsEventSourceMapping start(SqsClient sqs, Settings settings, Invoker invoker, Consumer<String> log) {
        SqsEventSourceMapping mapping = new SqsEventSourceMapping(sqs, settings, invoker, log);
        for (int i = 0; i < settings.maximumConcurrency(); i++) {
            mapping.pollers.add(
                    Thread.ofPlatform().name("esm-poller-" + i).daemon().start(mapping::poll));
        }
        return mapping;
    }

    public Stats stats() {
        return stats;
    }

    private void poll() {
        while (running) {
            try {
                List<Message> batch = receiveBatch();
                if (!batch.isEmpty() && running) {
                    deliver(batch);
                }
            } catch (RuntimeException e) {
                if (running) {
                    log.accept("[esm] poll failed, backing off: " + e);
                    sleep(Duration.ofMillis(500));
                }
            }
        }
    }

    private List<Message> receiveBatch() {
        List<Message> batch = new ArrayList<>();
        Instant windowEnds = null;
        while (running && batch.size() < settings.batchSize()) {
            int waitSeconds = windowEnds == null
                    ? 1
                    : (int) Math.min(
                            1,
                            Math.max(
                                    0,
                                    Duration.between(Instant.now(), windowEnds).toSeconds()));
            ReceiveMessageResponse response = sqs.receiveMessage(b -> b.queueUrl(settings.queueUrl())
                    .maxNumberOfMessages(settings.batchSize() - batch.size())
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                    .messageAttributeNames("All"));
            batch.addAll(response.messages());
            if (batch.isEmpty()) {
                return batch;
            }
            if (windowEnds == null) {
                windowEnds = Instant.now().plus(settings.maximumBatchingWindow());
            }
            if (!Instant.now().isBefore(windowEnds)) {
                break;
            }
        }
        return batch;
    }

    private void deliver(List<Message> batch) {
        stats.batches.incrementAndGet();
        stats.records.addAndGet(batch.size());
        stats.redeliveries.addAndGet(
                batch.stream().filter(SqsEventSourceMapping::isRedelivery).count());
        Outcome outcome;
        try {
            outcome = invoker.invoke(event(batch));
        } catch (RuntimeException e) {
            stats.failedBatches.incrementAndGet();
            log.accept("[esm] invoke failed, the batch returns after its visibility timeout: " + e);
            return;
        }
        Set<String> failed = outcome.functionError() ? null : reportedFailures(outcome.payload(), batch);
        if (failed == null) {
            stats.failedBatches.incrementAndGet();
            return;
        }
        stats.reportedFailures.addAndGet(failed.size());
        List<DeleteMessageBatchRequestEntry> deletes = new ArrayList<>();
        for (Message message : batch) {
            if (!failed.contains(message.messageId())) {
                deletes.add(DeleteMessageBatchRequestEntry.builder()
                        .id(Integer.toString(deletes.size()))
                        .receiptHandle(message.receiptHandle())
                        .build());
            }
        }
        if (!deletes.isEmpty()) {
            var response =
                    sqs.deleteMessageBatch(b -> b.queueUrl(settings.queueUrl()).entries(deletes));
            stats.deleted.addAndGet(response.successful().size());
            if (response.hasFailed() && !response.failed().isEmpty()) {
                log.accept("[esm] " + response.failed().size() + " deletes failed; those messages will be redelivered");
            }
        }
    }

    /** Whether the queue delivered this message before: its {@code ApproximateReceiveCount} is above 1. */
    static boolean isRedelivery(Message message) {
        String count = message.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        try {
            return count != null && Integer.parseInt(count) > 1;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The failed ids from a {@code SQSBatchResponse}, or {@code null} when the whole batch counts
     * as failed: an unparseable response, or an identifier that is empty or not in the batch.
     */
    static Set<String> reportedFailures(byte[] payload, List<Message> batch) {
        Set<String> inBatch = new HashSet<>();
        batch.forEach(m -> inBatch.add(m.messageId()));
        try {
            JsonNode root = payload == null || payload.length == 0 ? null : JSON.readTree(payload);
            if (root == null || root.isNull()) {
                return Set.of();
            }
            JsonNode failures = root.get("batchItemFailures");
            Set<String> failed = new HashSet<>();
            if (failures == null || failures.isNull()) {
                return failed;
            }
            for (JsonNode failure : failures) {
                String id = failure.path("itemIdentifier").asText("");
                if (id.isEmpty() || !inBatch.contains(id)) {
                    return null;
                }
                failed.add(id);
            }
            return failed;
        } catch (IOException e) {
            return null;
        }
    }

    private byte[] event(List<Message> batch) {
        return SqsEvents.of(batch, settings.queueArn(), settings.region());
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops polling; an invocation in flight finishes first (its results are applied). */
    @Override
    public void close() {
        running = false;
        for (Thread poller : pollers) {
            try {
                poller.join(Duration.ofSeconds(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
