package dev.provisioning.provisioner;

import dev.provisioning.common.Deployment;
import dev.provisioning.common.UserConfirmedCodec;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Builds a {@link BatchProcessor}, in the shape of Powertools' {@code BatchMessageHandlerBuilder}. Defaults: the
 * standard codec and classifier, the system clock, metrics disabled, the queue's default receive count and
 * records one at a time.
 */
final class BatchProcessorBuilder {

    private UserConfirmedCodec codec = UserConfirmedCodec.create();
    private RecordProvisioner provisioner;
    private FailureClassifier classifier = new FailureClassifier();
    private RetryBackoff backoff;
    private DeadLetterPublisher deadLetters;
    private SqsClient sqs;
    private String queueUrl;
    private int maxReceiveCount = Deployment.MAX_RECEIVE_COUNT;
    private Clock clock = Clock.systemUTC();
    private Duration recordReserve;
    private ProvisioningMetrics metrics = ProvisioningMetrics.disabled();
    private int concurrency = 1;

    /** A builder; provisioner, backoff, dead letters, queue and record reserve are required. */
    BatchProcessorBuilder() {}

    BatchProcessorBuilder withCodec(UserConfirmedCodec codec) {
        this.codec = Objects.requireNonNull(codec, "codec");
        return this;
    }

    /** What provisions one decoded record. */
    BatchProcessorBuilder withProvisioner(RecordProvisioner provisioner) {
        this.provisioner = provisioner;
        return this;
    }

    BatchProcessorBuilder withClassifier(FailureClassifier classifier) {
        this.classifier = Objects.requireNonNull(classifier, "classifier");
        return this;
    }

    /** The delay a failed record waits before its next receive. */
    BatchProcessorBuilder withBackoff(RetryBackoff backoff) {
        this.backoff = backoff;
        return this;
    }

    BatchProcessorBuilder withDeadLetters(DeadLetterPublisher deadLetters) {
        this.deadLetters = deadLetters;
        return this;
    }

    /**
     * The queue the records come from: for backoff, deferral and requeue.
     *
     * @param maxReceiveCount its redrive policy's {@code maxReceiveCount}
     */
    BatchProcessorBuilder withQueue(SqsClient sqs, String queueUrl, int maxReceiveCount) {
        if (maxReceiveCount < 1) {
            throw new IllegalArgumentException("maxReceiveCount must be at least 1, got " + maxReceiveCount);
        }
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.maxReceiveCount = maxReceiveCount;
        return this;
    }

    BatchProcessorBuilder withClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** A record is not started with less of the invocation left (see {@code RecordBudget}). */
    BatchProcessorBuilder withRecordReserve(Duration recordReserve) {
        this.recordReserve = recordReserve;
        return this;
    }

    BatchProcessorBuilder withMetrics(ProvisioningMetrics metrics) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        return this;
    }

    /** At most this many records in flight at once, 1 to {@link BatchProcessor#MAX_CONCURRENCY}. */
    BatchProcessorBuilder withConcurrency(int concurrency) {
        if (concurrency < 1 || concurrency > BatchProcessor.MAX_CONCURRENCY) {
            throw new IllegalArgumentException(
                    "concurrency must be 1 to " + BatchProcessor.MAX_CONCURRENCY + ", got " + concurrency);
        }
        this.concurrency = concurrency;
        return this;
    }

    BatchProcessor build() {
        return new BatchProcessor(new BatchProcessor.Parts(
                codec,
                require(provisioner, "withProvisioner"),
                classifier,
                require(backoff, "withBackoff"),
                require(deadLetters, "withDeadLetters"),
                require(sqs, "withQueue"),
                require(queueUrl, "withQueue"),
                maxReceiveCount,
                clock,
                require(recordReserve, "withRecordReserve"),
                metrics,
                concurrency));
    }

    private static <T> T require(T value, String method) {
        if (value == null) {
            throw new IllegalStateException("BatchProcessorBuilder." + method + "(...) is required");
        }
        return value;
    }
}
