package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.common.logging.LogContext;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityRequest;

/**
 * Processes one SQS batch record by record and answers with only the records that must come back.
 *
 * <p>Written by hand because Powertools' batch module is not available to this build; it also does
 * two things Powertools users ask for: per-message backoff (the failed record's visibility is set
 * from its receive count, see {@link RetryBackoff}) and permanent failures sent to the dead-letter
 * queue at once instead of being retried until the redrive policy gives up.
 *
 * <p>Records are processed sequentially: each one's side effects are guarded by conditional
 * writes, and a batch is at most ten records, so parallelism would buy little and cost clarity.
 */
final class BatchProcessor {

    private static final Logger log = LoggerFactory.getLogger(BatchProcessor.class);

    private final UserConfirmedCodec codec;
    private final AccountProvisioner provisioner;
    private final FailureClassifier classifier;
    private final RetryBackoff backoff;
    private final DeadLetterPublisher deadLetters;
    private final SqsClient sqs;
    private final String queueUrl;
    private final int maxReceiveCount;
    private final Clock clock;
    private final ProvisioningMetrics metrics; // observability

    BatchProcessor(
            UserConfirmedCodec codec,
            AccountProvisioner provisioner,
            FailureClassifier classifier,
            RetryBackoff backoff,
            DeadLetterPublisher deadLetters,
            SqsClient sqs,
            String queueUrl,
            int maxReceiveCount,
            Clock clock,
            ProvisioningMetrics metrics) {
        this.metrics = metrics;
        this.codec = codec;
        this.provisioner = provisioner;
        this.classifier = classifier;
        this.backoff = backoff;
        this.deadLetters = deadLetters;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.maxReceiveCount = maxReceiveCount;
        this.clock = clock;
    }

    SQSBatchResponse process(List<SQSMessage> records) {
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        metrics.recordBatch(records.size());
        for (SQSMessage record : records) {
            boolean finished;
            try (LogContext.Scope logContext = LogContext.record(record.getMessageId())) {
                finished = processOne(record);
            }
            if (!finished) {
                failures.add(SQSBatchResponse.BatchItemFailure.builder()
                        .withItemIdentifier(record.getMessageId())
                        .build());
            }
        }
        return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
    }

    /** Returns whether the record is finished (provisioned or dead-lettered) and may be deleted. */
    private boolean processOne(SQSMessage record) {
        UserConfirmed message = null;
        try {
            message = codec.decode(record.getBody());
            LogContext.user(message.userPoolId(), message.sub());
            AccountProvisioner.Result result = provisioner.provision(message);
            metrics.recordProvisioned(result, message.confirmedAt());
            log.info(
                    "Provisioned accountId={} messageId={} accountCreated={} emailSent={} resentAfterExpiredClaim={}"
                            + " userServiceSynced={}",
                    message.idempotencyKey(),
                    record.getMessageId(),
                    result.accountCreated(),
                    result.emailSent(),
                    result.emailResentAfterExpiredClaim(),
                    result.userServiceSynced());
            return true;
        } catch (RuntimeException e) {
            FailureClassifier.Failure failure = classifier.classify(e);
            metrics.recordFailure(failure, receiveCount(record));
            String accountId = message == null ? "unknown" : message.idempotencyKey();
            return failure.permanent()
                    ? deadLetter(record, accountId, failure)
                    : retryLater(record, accountId, failure);
        }
    }

    private boolean deadLetter(SQSMessage record, String accountId, FailureClassifier.Failure failure) {
        try {
            deadLetters.publish(record, failure, clock.instant());
            log.error(
                    "Dead-lettered accountId={} messageId={} reason={} error=\"{}\"",
                    accountId,
                    record.getMessageId(),
                    failure.reason(),
                    failure.message());
            return true;
        } catch (RuntimeException e) {
            // Could not park it: leave it on the queue; the next receive classifies it again.
            log.warn(
                    "Dead-letter send failed, will retry accountId={} messageId={} reason={} error={}",
                    accountId,
                    record.getMessageId(),
                    failure.reason(),
                    e.getClass().getSimpleName());
            return false;
        }
    }

    private boolean retryLater(SQSMessage record, String accountId, FailureClassifier.Failure failure) {
        int receiveCount = receiveCount(record);
        if (receiveCount >= maxReceiveCount) {
            // The queue would redrive it silently after this attempt; park it ourselves, with the reason.
            return deadLetter(
                    record,
                    accountId,
                    new FailureClassifier.Failure(
                            false,
                            "RETRIES_EXHAUSTED",
                            "after " + receiveCount + " attempts, last: " + failure.reason() + " " + failure.message(),
                            Duration.ZERO));
        }
        Duration delay = backoff.delay(receiveCount, failure.notBefore());
        log.warn(
                "Retry scheduled accountId={} messageId={} attempt={} delayMs={} reason={} error=\"{}\"",
                accountId,
                record.getMessageId(),
                receiveCount,
                delay.toMillis(),
                failure.reason(),
                failure.message());
        try {
            sqs.changeMessageVisibility(ChangeMessageVisibilityRequest.builder()
                    .queueUrl(queueUrl)
                    .receiptHandle(record.getReceiptHandle())
                    .visibilityTimeout((int) Math.max(0, delay.toSeconds()))
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

    static int receiveCount(SQSMessage record) {
        String count =
                record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
