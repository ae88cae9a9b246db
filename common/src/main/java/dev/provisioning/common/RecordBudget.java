package dev.provisioning.common;

import java.time.Duration;

/**
 * The longest one provisioner record may take, from the timeouts on its path: the one definition the provisioner
 * (its default {@code RECORD_TIME_RESERVE_MS}, and its start-up check) and infra (the values it sets, checked at
 * synth) share. A record started with less time left than this may be cut off by the function timeout, and then
 * the batch response of the records already done is lost with it.
 *
 * <p>The path, each step bounded by the SDK's call timeout {@code T} ({@code AWS_API_CALL_TIMEOUT_MS}, retries
 * included; the SES send's one attempt gets all of it): the account write ({@code T}), the email claim ({@code T}),
 * then the send and its record, which retries until half the claim's lease has passed since the claim and may
 * overrun it by one last write ({@code max(2T, lease/2 + T)}); with a user service, its POST ({@code T} plus a
 * second to connect) and the write that records it ({@code T}).
 */
public final class RecordBudget {

    /** What the function keeps back after its last record: publishing metrics (2 s) and answering (0.3 s), rounded up. */
    public static final Duration INVOCATION_MARGIN = Duration.ofMillis(2500);

    private static final Duration CONNECT = Duration.ofSeconds(1);

    private RecordBudget() {}

    /** The worst case of one record for these timeouts. */
    public static Duration worstCase(Duration apiCallTimeout, Duration emailClaimLease, boolean userService) {
        Duration send =
                max(apiCallTimeout.multipliedBy(2), emailClaimLease.dividedBy(2).plus(apiCallTimeout));
        Duration total = apiCallTimeout.multipliedBy(2).plus(send);
        if (userService) {
            total = total.plus(apiCallTimeout).plus(CONNECT).plus(apiCallTimeout);
        }
        return total;
    }

    /** The shortest function timeout that holds one record of this worst case and the invocation's margin. */
    public static Duration minimumFunctionTimeout(Duration worstCase) {
        return worstCase.plus(INVOCATION_MARGIN);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
