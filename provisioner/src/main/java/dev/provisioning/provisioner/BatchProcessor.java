package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.provisioning.common.DeadLetterAttributes;
import dev.provisioning.common.SqsBatches;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.common.logging.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;

/**
 * Processes one SQS batch, up to {@code concurrency} records at a time, and answers with only the records that must
 * come back.
 *
 * <p>Written by hand because Powertools' batch module is not available to this build; it is built the same way
 * ({@link BatchProcessorBuilder}, in the shape of Powertools' {@code BatchMessageHandlerBuilder}), and it does two things
 * Powertools users ask for: per-message backoff (the failed record's visibility is set from its receive count, see
 * {@link RetryBackoff}) and permanent failures sent to the dead-letter queue at once instead of being retried until
 * the redrive policy gives up.
 *
 * <p>Records are started in the batch's order, each on its own virtual thread, at most {@code concurrency} at once:
 * a record spends nearly all its time waiting for DynamoDB and SES, so ten in flight take about as long as one.
 * Each record's side effects are guarded by conditional writes, so records of one batch never depend on each other.
 * Every record gets its own log context, set and cleared on the thread that handles it. The deadline is checked as
 * each record is about to start; one started with the reserve left finishes in time whatever runs beside it.
 */
final class BatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    /** The most records in flight at once that the builder accepts. */
    static final int MAX_CONCURRENCY = 100;

    private final UserConfirmedCodec codec;
    private final RecordProvisioner provisioner;
    private final FailureClassifier classifier;
    private final RetryBackoff backoff;
    private final DeadLetterPublisher deadLetters;
    private final SqsClient sqs;
    private final String queueUrl;
    private final int maxReceiveCount;
    private final Clock clock;
    private final Duration recordReserve;
    private final ProvisioningMetrics metrics;
    private final int concurrency;

    /**
     * How long a record whose every attempt hits a configuration failure keeps waiting on the queue, from its
     * confirmation: 3 days, inside the queue's 4-day retention and far inside the DLQ's 14 days. After it, it is
     * dead-lettered with the failure's reason and {@code RETRIES_EXHAUSTED}, and a redrive brings it back.
     */
    static final Duration CONFIGURATION_MAX_WAIT = Duration.ofDays(3);

    /** SQS's largest message delay. */
    private static final int MAX_DELAY_SECONDS = 900;

    /** What a processor is made of; {@link BatchProcessorBuilder} assembles it and checks the required parts. */
    record Parts(
            UserConfirmedCodec codec,
            RecordProvisioner provisioner,
            FailureClassifier classifier,
            RetryBackoff backoff,
            DeadLetterPublisher deadLetters,
            SqsClient sqs,
            String queueUrl,
            int maxReceiveCount,
            Clock clock,
            Duration recordReserve,
            ProvisioningMetrics metrics,
            int concurrency) {}

    BatchProcessor(Parts parts) {
        this.codec = parts.codec();
        this.provisioner = parts.provisioner();
        this.classifier = parts.classifier();
        this.backoff = parts.backoff();
        this.deadLetters = parts.deadLetters();
        this.sqs = parts.sqs();
        this.queueUrl = parts.queueUrl();
        this.maxReceiveCount = parts.maxReceiveCount();
        this.clock = parts.clock();
        this.recordReserve = parts.recordReserve();
        this.metrics = parts.metrics();
        this.concurrency = parts.concurrency();
    }

    /**
     * Processes the records, starting them in order; a record is not started once less than {@code recordReserve}
     * of the invocation is left, so a timeout cannot throw away the response of the records already done. Such a
     * record is reported as a failure and made visible again at once for another invocation; the first record, and
     * one on its last receive (the queue would redrive it without a reason), are always started. Returns when every
     * started record is finished.
     *
     * @param remainingMillis the invocation's remaining time, e.g. {@code context::getRemainingTimeInMillis}
     */
    SQSBatchResponse process(List<SQSMessage> records, LongSupplier remainingMillis) {
        metrics.recordBatch(records.size());
        String requestId = LogContext.requestId();
        boolean[] finished = new boolean[records.size()];
        List<SQSMessage> deferred = new ArrayList<>();
        Semaphore slots = new Semaphore(concurrency);
        try (ExecutorService workers = Executors.newThreadPerTaskExecutor(WORKERS)) {
            for (int i = 0; i < records.size(); i++) {
                SQSMessage record = records.get(i);
                // Wait for a free slot first: the deadline is checked when the record would really start.
                slots.acquireUninterruptibly();
                if (i > 0
                        && ReceiveCount.of(record) < maxReceiveCount
                        && remainingMillis.getAsLong() < recordReserve.toMillis()) {
                    slots.release();
                    deferred.add(record);
                    continue;
                }
                int index = i;
                workers.execute(() -> {
                    try (LogContext.Scope logContext = LogContext.worker(requestId, record.getMessageId())) {
                        finished[index] = processSafely(record);
                    } finally {
                        slots.release();
                    }
                });
            }
        } // close() waits for every record started; its happens-before makes finished[] visible here.
        if (!deferred.isEmpty()) {
            releaseDeferred(deferred, remainingMillis.getAsLong());
        }
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            if (!finished[i]) {
                failures.add(itemFailure(records.get(i)));
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    private static final ThreadFactory WORKERS =
            Thread.ofVirtual().name("batch-record-", 0).factory();

    /** {@link #processOne}, with anything unforeseen it throws turned into a retry of that record alone. */
    private boolean processSafely(SQSMessage record) {
        try {
            return processOne(record);
        } catch (RuntimeException e) {
            quietly(() -> log.error(
                    "Record failed unexpectedly, will retry messageId={} error={}",
                    record.getMessageId(),
                    e.getClass().getSimpleName()));
            return false;
        }
    }

    /** Hands deferred records straight back to the queue, so that they need not wait out its visibility timeout. */
    private void releaseDeferred(List<SQSMessage> deferred, long remainingMillis) {
        log.warn(
                "Deferred records={} remainingMs={} reserveMs={}: too little time left to start them",
                deferred.size(),
                remainingMillis,
                recordReserve.toMillis());
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (SQSMessage record : deferred) {
            metrics.recordDeferred();
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
                    .id(Integer.toString(entries.size()))
                    .receiptHandle(record.getReceiptHandle())
                    .visibilityTimeout(0)
                    .build());
        }
        try {
            // Larger batches than SQS's 10 entries per call (a batching window) go in chunks.
            for (List<ChangeMessageVisibilityBatchRequestEntry> chunk : SqsBatches.partition(entries)) {
                sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(chunk));
            }
        } catch (RuntimeException e) {
            // They come back after the queue's visibility timeout instead.
            log.warn("Releasing deferred records failed error={}", e.getClass().getSimpleName());
        }
    }

    private static SQSBatchResponse.BatchItemFailure itemFailure(SQSMessage record) {
        return SQSBatchResponse.BatchItemFailure.builder()
                .withItemIdentifier(record.getMessageId())
                .build();
    }

    /** Returns whether the record is finished (provisioned or dead-lettered) and may be deleted. */
    private boolean processOne(SQSMessage record) {
        UserConfirmed message = null;
        ProvisioningResult result;
        try {
            message = codec.decode(record.getBody());
            LogContext.user(message.userPoolId(), message.sub());
            result = provisioner.provision(message);
        } catch (RuntimeException e) {
            FailureClassifier.Failure failure = classifier.classify(e);
            quietly(() -> metrics.recordFailure(failure));
            String accountId = message == null ? "unknown" : message.idempotencyKey();
            return failure.permanent()
                    ? deadLetter(record, accountId, failure)
                    : retryLater(record, message, accountId, failure);
        }
        // The account is written and the email handled: nothing from here on (a metric, a log line) may turn the
        // record into a failure, or its retry would be a provisioned user in the dead-letter queue.
        UserConfirmed provisioned = message;
        quietly(() -> reportProvisioned(record, provisioned, result));
        return true;
    }

    private void reportProvisioned(SQSMessage record, UserConfirmed message, ProvisioningResult result) {
        metrics.recordProvisioned(result, message.confirmedAt());
        boolean didSomething = result.accountCreated() || result.emailSent() || result.userServiceSynced();
        // One INFO line per provisioned user; a redelivery that finds everything done is DEBUG.
        log.atLevel(didSomething ? Level.INFO : Level.DEBUG)
                .log(
                        "Provisioned accountId={} messageId={} accountCreated={} emailSent={}"
                                + " resentAfterExpiredClaim={} userServiceSynced={}",
                        message.idempotencyKey(),
                        record.getMessageId(),
                        result.accountCreated(),
                        result.emailSent(),
                        result.emailResentAfterExpiredClaim(),
                        result.userServiceSynced());
    }

    /** Runs a report (a metric, a log line); its failure is logged, never passed on to the record's outcome. */
    private static void quietly(Runnable report) {
        try {
            report.run();
        } catch (RuntimeException e) {
            try {
                log.warn(
                        "Reporting failed, the record's outcome stands error={}",
                        e.getClass().getSimpleName());
            } catch (RuntimeException ignored) {
                // Not even the log: the outcome still stands.
            }
        }
    }

    private boolean deadLetter(SQSMessage record, String accountId, FailureClassifier.Failure failure) {
        try {
            deadLetters.publish(record, failure, clock.instant());
        } catch (RuntimeException e) {
            // Could not park it: leave it on the queue; the next receive classifies it again.
            quietly(() -> log.warn(
                    "Dead-letter send failed, will retry accountId={} messageId={} reason={} error={}",
                    accountId,
                    record.getMessageId(),
                    failure.reason(),
                    e.getClass().getSimpleName()));
            quietly(() -> metrics.recordRetry(ReceiveCount.of(record)));
            return false;
        }
        quietly(() -> metrics.recordDeadLettered());
        quietly(() -> log.error(
                "Dead-lettered accountId={} messageId={} reason={} error=\"{}\"",
                accountId,
                record.getMessageId(),
                failure.reason(),
                failure.message()));
        return true;
    }

    private boolean retryLater(
            SQSMessage record, UserConfirmed message, String accountId, FailureClassifier.Failure failure) {
        int receiveCount = ReceiveCount.of(record);
        if (receiveCount >= maxReceiveCount
                && FailureClassifier.isConfiguration(failure)
                && message != null
                && clock.instant().isBefore(message.confirmedAt().plus(CONFIGURATION_MAX_WAIT))) {
            // Every record hits this until the wiring is fixed: keep waiting on the queue, not in the DLQ.
            return requeue(record, accountId, failure, receiveCount);
        }
        if (receiveCount >= maxReceiveCount) {
            // The queue would redrive it silently after this attempt; park it ourselves, with the reason.
            return deadLetter(
                    record,
                    accountId,
                    new FailureClassifier.Failure(
                            false,
                            DeadLetterAttributes.RETRIES_EXHAUSTED,
                            DeadLetterAttributes.exhaustedMessage(receiveCount, failure.reason(), failure.message()),
                            Duration.ZERO));
        }
        Duration delay = backoff.delay(receiveCount, failure.notBefore());
        quietly(() -> metrics.recordRetry(receiveCount));
        quietly(() -> log.warn(
                "Retry scheduled accountId={} messageId={} attempt={} delayMs={} reason={} error=\"{}\"",
                accountId,
                record.getMessageId(),
                receiveCount,
                delay.toMillis(),
                failure.reason(),
                failure.message()));
        try {
            sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                    .queueUrl(queueUrl)
                    .receiptHandle(record.getReceiptHandle())
                    .visibilityTimeout(visibilitySeconds(delay))
                    .build());
        } catch (RuntimeException e) {
            // The queue's own visibility timeout still brings the message back; only the spread is lost.
            log.warn(
                    "ChangeMessageVisibility failed messageId={} error={}",
                    record.getMessageId(),
                    e.getClass().getSimpleName());
        }
        return false;
    }

    /**
     * Puts a fresh copy of the record on the queue (its receive count starts again) and lets the original be deleted,
     * so that a configuration failure never walks a user into the DLQ. If the copy cannot be sent, the original stays
     * and the queue's redrive policy parks it, as for any record out of receives.
     */
    private boolean requeue(SQSMessage record, String accountId, FailureClassifier.Failure failure, int receiveCount) {
        Duration delay = backoff.delay(receiveCount, failure.notBefore());
        int delaySeconds = (int) Math.min(MAX_DELAY_SECONDS, Math.max(0, delay.toSeconds()));
        try {
            sqs.sendMessage(b -> b.queueUrl(queueUrl)
                    .messageBody(record.getBody())
                    .delaySeconds(delaySeconds)
                    .messageAttributes(java.util.Map.of(
                            dev.provisioning.common.UserConfirmed.SCHEMA_VERSION_ATTRIBUTE,
                            software.amazon.awssdk.services.sqs.model.MessageAttributeValue.builder()
                                    .dataType("Number")
                                    .stringValue(Integer.toString(dev.provisioning.common.UserConfirmed.SCHEMA_VERSION))
                                    .build())));
        } catch (RuntimeException e) {
            quietly(() -> log.warn(
                    "Requeue after a configuration failure failed messageId={} error={}",
                    record.getMessageId(),
                    e.getClass().getSimpleName()));
            return false;
        }
        quietly(() -> metrics.recordRetry(receiveCount));
        quietly(() -> log.warn(
                "Requeued accountId={} messageId={} after {} receives delaySeconds={} reason={}: fix the"
                        + " configuration; the copy keeps waiting",
                accountId,
                record.getMessageId(),
                receiveCount,
                delaySeconds,
                failure.reason()));
        return true;
    }

    /** Whole seconds, rounded up: coming back a fraction early would only find the same obstacle. */
    static int visibilitySeconds(Duration delay) {
        long millis = Math.max(0, delay.toMillis());
        return (int) Math.min(RetryBackoff.MAX_DELAY.toSeconds(), (millis + 999) / 1000);
    }
}
