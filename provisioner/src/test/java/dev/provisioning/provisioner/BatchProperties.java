package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.common.logging.LogContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.slf4j.MDC;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * The batch response for any mix of record outcomes, any concurrency and any point at which the invocation runs out
 * of time: exactly the records neither finished (provisioned or dead-lettered) nor handed back are reported, plus
 * the deferred ones; no record is provisioned twice, at most {@code concurrency} run at once, each runs under its own
 * log context and each outcome is counted once.
 */
class BatchProperties {

    private static final String QUEUE = "https://sqs.eu-central-1.amazonaws.com/123456789012/signups";
    private static final String DLQ = QUEUE + "-dlq";
    private static final Duration RESERVE = Duration.ofSeconds(5);

    enum Outcome {
        SUCCESS,
        TRANSIENT,
        PERMANENT,
        POISON,
        SLOW
    }

    @Property(tries = 300)
    void process_forAnyOutcomesConcurrencyAndDeadline_reportsExactlyTheUnfinishedRecords(
            @ForAll @Size(min = 0, max = 10) List<Outcome> outcomes,
            @ForAll @IntRange(min = 1, max = 10) int concurrency,
            @ForAll @IntRange(min = 0, max = 10) int startsBeforeDeadline) {
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        List<SQSMessage> records = new ArrayList<>();
        Map<String, Outcome> outcomeBySub = new HashMap<>();
        Map<String, String> messageIdBySub = new HashMap<>();
        for (int i = 0; i < outcomes.size(); i++) {
            String sub = "sub-" + i;
            outcomeBySub.put(sub, outcomes.get(i));
            messageIdBySub.put(sub, "m-" + i);
            String body = outcomes.get(i) == Outcome.POISON ? "not json " + i : codec.encode(Messages.confirmed(sub));
            records.add(record("m-" + i, body));
        }
        FakeQueue queue = new FakeQueue();
        CountingMetrics metrics = new CountingMetrics();
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Set<String> provisioned = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> contextErrors = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        RecordProvisioner provisioner = message -> {
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                calls.computeIfAbsent(message.sub(), k -> new AtomicInteger()).incrementAndGet();
                if (!"req-1".equals(MDC.get(LogContext.REQUEST_ID))
                        || !messageIdBySub.get(message.sub()).equals(MDC.get(LogContext.MESSAGE_ID))
                        || !message.sub().equals(MDC.get(LogContext.SUB))) {
                    contextErrors.add(message.sub() + " ran under " + MDC.getCopyOfContextMap());
                }
                return switch (outcomeBySub.get(message.sub())) {
                    case SUCCESS -> done(provisioned, message);
                    case SLOW -> {
                        sleep(3);
                        yield done(provisioned, message);
                    }
                    case TRANSIENT ->
                        throw new TransientFailureException("SES_THROTTLED", "slow down", Duration.ZERO, null);
                    case PERMANENT -> throw new PermanentFailureException("INVALID_ADDRESS", "no such address", null);
                    case POISON -> throw new AssertionError("a poison record is never decoded");
                };
            } finally {
                inFlight.decrementAndGet();
            }
        };
        BatchProcessor processor = new BatchProcessorBuilder()
                .withProvisioner(provisioner)
                .withBackoff(RetryBackoff.withFullJitter(Duration.ZERO, Duration.ofSeconds(5)))
                .withDeadLetters(new DeadLetterPublisher(queue, DLQ))
                .withQueue(queue, QUEUE, 5)
                .withRecordReserve(RESERVE)
                .withMetrics(metrics)
                .withConcurrency(concurrency)
                .build();
        // Plenty of time for the first checks, then none: the records checked after that are deferred.
        AtomicInteger checks = new AtomicInteger();
        LogContext.invocation("req-1");

        SQSBatchResponse response;
        try {
            response = processor.process(
                    records, () -> checks.incrementAndGet() <= startsBeforeDeadline ? Long.MAX_VALUE : 0);
        } finally {
            MDC.clear();
        }

        Set<String> deadLettered = queue.deadLettered();
        Set<String> deferred = queue.deferred();
        Set<String> finished = new HashSet<>(deadLettered);
        provisioned.forEach(sub -> finished.add(messageIdBySub.get(sub)));
        Set<String> expectedFailures = new HashSet<>();
        records.forEach(r -> expectedFailures.add(r.getMessageId()));
        expectedFailures.removeAll(finished);
        List<String> reported = response.getBatchItemFailures().stream()
                .map(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .toList();
        assertThat(reported).doesNotHaveDuplicates();
        assertThat(new HashSet<>(reported)).isEqualTo(expectedFailures).containsAll(deferred);
        // The first record is always started; every one after the deadline is deferred, untouched.
        int expectedDeferred = Math.max(0, outcomes.size() - 1 - startsBeforeDeadline);
        assertThat(deferred).hasSize(expectedDeferred);
        for (int i = 0; i < outcomes.size(); i++) {
            String messageId = "m-" + i;
            boolean wasDeferred = deferred.contains(messageId);
            assertThat(wasDeferred).as(messageId).isEqualTo(i > startsBeforeDeadline);
            if (!wasDeferred) {
                boolean shouldFinish = outcomes.get(i) != Outcome.TRANSIENT;
                assertThat(finished.contains(messageId))
                        .as(messageId + " " + outcomes.get(i))
                        .isEqualTo(shouldFinish);
                assertThat(queue.retried().contains(messageId)).isEqualTo(!shouldFinish);
            } else {
                assertThat(calls).doesNotContainKey("sub-" + i);
                assertThat(queue.retried()).doesNotContain(messageId);
            }
        }
        calls.forEach((sub, count) -> assertThat(count.get()).as(sub).isEqualTo(1));
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(concurrency);
        assertThat(contextErrors).isEmpty();
        // Counted once each: what was provisioned, dead-lettered, retried, deferred.
        assertThat(metrics.provisioned.get()).isEqualTo(provisioned.size());
        assertThat(metrics.deadLettered.get()).isEqualTo(deadLettered.size());
        assertThat(metrics.retried.get()).isEqualTo(queue.retried().size());
        assertThat(metrics.deferred.get()).isEqualTo(deferred.size());
        assertThat(metrics.batches.get()).isEqualTo(1);
    }

    private static ProvisioningResult done(Set<String> provisioned, UserConfirmed message) {
        if (!provisioned.add(message.sub())) {
            throw new AssertionError(message.sub() + " provisioned twice");
        }
        return new ProvisioningResult(true, true, false, false);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static SQSMessage record(String messageId, String body) {
        SQSMessage record = new SQSMessage();
        record.setMessageId(messageId);
        record.setReceiptHandle("receipt-" + messageId);
        record.setBody(body);
        record.setAttributes(new HashMap<>(Map.of("ApproximateReceiveCount", "1")));
        return record;
    }

    /** Counts each outcome the processor reports. */
    private static final class CountingMetrics extends ProvisioningMetrics {
        final AtomicInteger provisioned = new AtomicInteger();
        final AtomicInteger deadLettered = new AtomicInteger();
        final AtomicInteger retried = new AtomicInteger();
        final AtomicInteger deferred = new AtomicInteger();
        final AtomicInteger batches = new AtomicInteger();

        CountingMetrics() {
            super(
                    new dev.provisioning.common.metrics.MetricsSettings("test", "test"),
                    null,
                    Duration.ofSeconds(1),
                    java.time.Clock.systemUTC());
        }

        @Override
        void recordProvisioned(ProvisioningResult result, java.time.Instant confirmedAt) {
            provisioned.incrementAndGet();
        }

        @Override
        void recordDeadLettered() {
            deadLettered.incrementAndGet();
        }

        @Override
        void recordRetry(int receiveCount) {
            retried.incrementAndGet();
        }

        @Override
        void recordDeferred() {
            deferred.incrementAndGet();
        }

        @Override
        void recordBatch(int size) {
            batches.incrementAndGet();
        }
    }

    /** The queue and its DLQ, in memory: what was dead-lettered, retried later and handed back at once. */
    private static final class FakeQueue implements SqsClient {
        private final ConcurrentLinkedQueue<String> deadLettered = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> retried = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<String> deferred = new ConcurrentLinkedQueue<>();

        @Override
        public SendMessageResponse sendMessage(SendMessageRequest request) {
            assertThat(request.queueUrl()).isEqualTo(DLQ);
            deadLettered.add(request.messageAttributes()
                    .get(dev.provisioning.common.DeadLetterAttributes.SOURCE_MESSAGE_ID)
                    .stringValue());
            return SendMessageResponse.builder().messageId("dl").build();
        }

        @Override
        public ChangeMessageVisibilityResponse changeMessageVisibility(ChangeMessageVisibilityRequest request) {
            retried.add(request.receiptHandle().substring("receipt-".length()));
            return ChangeMessageVisibilityResponse.builder().build();
        }

        @Override
        public ChangeMessageVisibilityBatchResponse changeMessageVisibilityBatch(
                ChangeMessageVisibilityBatchRequest request) {
            for (ChangeMessageVisibilityBatchRequestEntry entry : request.entries()) {
                assertThat(entry.visibilityTimeout()).isZero();
                deferred.add(entry.receiptHandle().substring("receipt-".length()));
            }
            return ChangeMessageVisibilityBatchResponse.builder().build();
        }

        Set<String> deadLettered() {
            return distinct(deadLettered);
        }

        Set<String> retried() {
            return distinct(retried);
        }

        Set<String> deferred() {
            return distinct(deferred);
        }

        private static Set<String> distinct(ConcurrentLinkedQueue<String> values) {
            Set<String> set = new HashSet<>(values);
            assertThat(set).as("each record once").hasSameSizeAs(values);
            return set;
        }

        @Override
        public String serviceName() {
            return "sqs";
        }

        @Override
        public void close() {}
    }
}
