package dev.provisioning.provisioner;

import java.time.Duration;

/**
 * A record that may succeed later (throttling, a 5xx, a timeout, a send claimed by another
 * worker). The batch processor reports it as a batch item failure and delays its next delivery.
 */
public final class TransientFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;
    private final Duration notBefore;

    /**
     * @param reason a short machine-readable reason, e.g. {@code THROTTLED}
     * @param notBefore the least delay before a retry can help, or {@link Duration#ZERO}
     */
    public TransientFailureException(String reason, String message, Duration notBefore, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.notBefore = notBefore;
    }

    public String reason() {
        return reason;
    }

    public Duration notBefore() {
        return notBefore;
    }
}
