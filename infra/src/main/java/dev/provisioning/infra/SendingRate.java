package dev.provisioning.infra;

/**
 * Sizes the provisioner's SQS event source from the SES account's maximum sending rate ({@code sesSendingRate},
 * emails per second), so that normal load stays under it and SES throttling, which is retried with backoff, stays
 * the exception.
 *
 * <p>The rule: an invocation works its batch one record at a time, and one record (claim, send, record the send,
 * each a call in the region) takes at least {@link #MIN_RECORD_SECONDS}, so one invocation sends at most {@code
 * 1 / MIN_RECORD_SECONDS} emails a second. {@code MaximumConcurrency} is therefore {@code ceil(rate ×
 * MIN_RECORD_SECONDS)}, at least 2 (the lowest value Lambda accepts; below a rate of 10 a second the two invocations
 * can outpace SES for a moment and the throttled sends wait and retry). The batch size bounds what one invocation
 * holds to what its share of the rate ({@code rate / MaximumConcurrency}) sends in half the function timeout, at
 * least 1 and at most 10: a batch slowed to its share by throttling still ends inside the timeout.
 *
 * @param perSecond the account's maximum send rate; the sandbox's is 1
 */
record SendingRate(double perSecond) {

    /** The least time one record takes end to end; an assumption of four in-region calls, not a measurement. */
    static final double MIN_RECORD_SECONDS = 0.2;

    /** The largest batch the provisioner is designed for (records are worked one at a time). */
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

    /** The event source's {@code MaximumConcurrency}: 2 to 1000. */
    int maxConcurrency() {
        return (int) Math.min(1000, Math.max(2, Math.ceil(perSecond * MIN_RECORD_SECONDS)));
    }

    /** The event source's batch size for a function of {@code timeoutSeconds}: 1 to {@link #MAX_BATCH}. */
    int batchSize(int timeoutSeconds) {
        double share = perSecond / maxConcurrency();
        return (int) Math.min(MAX_BATCH, Math.max(1, Math.ceil(share * timeoutSeconds / 2.0)));
    }
}
