package dev.provisioning.ops.dlq;

import dev.provisioning.ops.cli.Progress;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The per-message part of a redrive: send the body and the producer's attributes (without {@code failure.*} and
 * {@code source.*}) to the queue, then delete from the DLQ only once the send succeeded. A failure is counted and
 * the run goes on, until {@value #MAX_FAILURES_IN_A_ROW} in a row. Messages dead-lettered after the run started are
 * left alone: a redriven message that fails again at once comes back as a new message, and sending it again would
 * loop until the scan's time ran out.
 */
final class Redrive implements DeadLetterScan.Visitor {

    // A target queue that refuses this many sends in a row refuses the rest too; stop and report.
    private static final int MAX_FAILURES_IN_A_ROW = 10;

    private final SqsClient sqs;
    private final String deadLetterQueueUrl;
    private final String queueUrl;
    private final Optional<String> reason;
    private final int max;
    private final boolean dryRun;
    private final Instant startedAt;
    private final Progress progress;
    private int moved;
    private int skipped;
    private int failed;
    private int arrived;
    private int failedInARow;
    private String error;

    Redrive(
            SqsClient sqs,
            String deadLetterQueueUrl,
            String queueUrl,
            Optional<String> reason,
            int max,
            boolean dryRun,
            Instant startedAt,
            Progress progress) {
        this.sqs = sqs;
        this.deadLetterQueueUrl = deadLetterQueueUrl;
        this.queueUrl = queueUrl;
        this.reason = reason;
        this.max = max;
        this.dryRun = dryRun;
        this.startedAt = startedAt;
        this.progress = progress;
    }

    @Override
    public boolean visit(Message message) {
        if (DeadLetterMessages.sentTimestamp(message)
                .map(sent -> sent.isAfter(startedAt))
                .orElse(false)) {
            arrived++;
            return false;
        }
        if (reason.isPresent() && !DeadLetterMessages.matches(message, reason.get())) {
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
                    .messageAttributes(DeadLetterMessages.producerAttributes(message)));
        } catch (SdkException e) {
            failure(message, "send failed, left on the DLQ", e);
            return false;
        }
        try {
            sqs.deleteMessage(b -> b.queueUrl(deadLetterQueueUrl).receiptHandle(message.receiptHandle()));
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
        progress.note(String.format(
                Locale.ROOT,
                "dlq: message %s: %s: %s: %s",
                message.messageId(),
                what,
                e.getClass().getSimpleName(),
                e.getMessage()));
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
                Locale.ROOT, "%s %d, skipped %d, failed %d", dryRun ? "would move" : "moved", moved, skipped, failed);
    }

    RedriveResult result(Coverage coverage) {
        return new RedriveResult(moved, skipped, failed, arrived, coverage);
    }
}
