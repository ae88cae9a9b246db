package dev.provisioning.common;

/**
 * A queue message that can never be processed as it is (not JSON, unknown schema version, a
 * required field missing or of the wrong type). Retrying it cannot help, so the provisioner sends
 * it to the dead-letter queue at once, with {@link #reason()} attached.
 */
public final class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a message was rejected; written to the dead-letter message as an attribute. */
    public enum Reason {
        NOT_JSON,
        UNSUPPORTED_SCHEMA_VERSION,
        MISSING_FIELD,
        INVALID_FIELD
    }

    private final Reason reason;

    public MalformedMessageException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public MalformedMessageException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
