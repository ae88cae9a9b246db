package dev.provisioning.provisioner;

/**
 * A record that retrying cannot fix (bad input, an address SES rejects, a 4xx from the user
 * service). The batch processor dead-letters it at once with {@link #reason()}.
 */
public final class PermanentFailureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    /**
     * @param reason a short machine-readable reason, e.g. {@code EMAIL_REJECTED}
     * @param message what happened, with context but without personal data
     */
    public PermanentFailureException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }
}
