package dev.provisioning.infra;

import dev.provisioning.common.Deployment;

/**
 * Sizes the provisioner's SQS event source from the SES account's maximum sending rate ({@code sesSendingRate},
 * emails per second), so that normal load stays under it and SES throttling, which is retried with backoff, stays
 * the exception.
 *
 * <p>The rule: an invocation works {@code BATCH_CONCURRENCY} records of its batch at once, and one record (claim,
 * send, record the send, each a call in the region) takes at least {@link #MIN_RECORD_SECONDS}, so one invocation
 * sends at most {@code BATCH_CONCURRENCY / MIN_RECORD_SECONDS} emails a second, and the event source at most
 * {@code MaximumConcurrency × BATCH_CONCURRENCY / MIN_RECORD_SECONDS} (the planned sends). {@link #batchConcurrency()}
 * is what two invocations (Lambda's least {@code MaximumConcurrency}) may run within the rate, at least 1 and at most
 * {@link Deployment#BATCH_CONCURRENCY}; {@code MaximumConcurrency} is then the most invocations that stay within the
 * rate, {@code floor(rate × MIN_RECORD_SECONDS / BATCH_CONCURRENCY)}, at least 2 and at most 1000 (Lambda's bounds).
 * So from 10 a second up the planned sends never exceed the rate, and stay above two thirds of it up to 50,000 a
 * second, where {@code MaximumConcurrency} reaches 1000; below 10 a second the sizing is the least Lambda allows (2
 * invocations of one record), which can outpace SES for a moment, and the throttled sends wait and retry. The planned
 * sends and {@code BATCH_CONCURRENCY} grow with the rate; {@code MaximumConcurrency} alone does not (it falls where
 * {@code BATCH_CONCURRENCY} steps up: 3 × 1 at 19/s, 2 × 2 at 20/s). The batch size bounds what one invocation holds
 * to what its share of the rate ({@code rate / MaximumConcurrency}) sends in half the function timeout, at least 1
 * and at most 10 (no batching window needed): a batch slowed to its share by throttling still ends inside the
 * timeout, and it holds at least {@code BATCH_CONCURRENCY} records. {@code SendingRateProperties} checks all of this
 * for every rate SES can grant and every timeout the stack accepts.
 *
 * @param perSecond the account's maximum send rate; the sandbox's is 1
 */
record SendingRate(double perSecond) {

    /** The least time one record takes end to end; an assumption of four in-region calls, not a measurement. */
    static final double MIN_RECORD_SECONDS = 0.2;

    /** The largest batch the provisioner is designed for without a batching window. */
    static final int MAX_BATCH = 10;

    SendingRate {
        if (!(perSecond > 0) || perSecond > 100_000) {
            throw new IllegalArgumentException(
                    "CDK context '" + StackSettings.SES_SENDING_RATE + "' must be SES's maximum send rate in emails"
                            + " per second (Account dashboard, or aws ses get-send-quota: MaxSendRate), got "
                            + perSecond);
        }
    }

    static SendingRate parse(String text) {
        try {
            return new SendingRate(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "CDK context '" + StackSettings.SES_SENDING_RATE + "' must be a number, got " + text, e);
        }
    }

    /** The provisioner's {@code BATCH_CONCURRENCY}: what two invocations may run within the rate, 1 to the default. */
    int batchConcurrency() {
        return (int)
                Math.min(Deployment.BATCH_CONCURRENCY, Math.max(1, Math.floor(perSecond * MIN_RECORD_SECONDS / 2)));
    }

    /**
     * The event source's {@code MaximumConcurrency}: the most invocations whose planned sends stay within the rate
     * (rounded down: rounding up would plan up to one invocation's pace more than SES accepts), 2 to 1000.
     */
    int maxConcurrency() {
        return (int) Math.min(1000, Math.max(2, Math.floor(perSecond * MIN_RECORD_SECONDS / batchConcurrency())));
    }

    /** The event source's batch size for a function of {@code timeoutSeconds}: 1 to {@link #MAX_BATCH}. */
    int batchSize(int timeoutSeconds) {
        double share = perSecond / maxConcurrency();
        return (int) Math.min(MAX_BATCH, Math.max(1, Math.ceil(share * timeoutSeconds / 2.0)));
    }
}
