package dev.provisioning.common;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The contract of a dead-lettered message: the message attributes the provisioner attaches to say
 * why, and the reason text of exhausted retries. The provisioner writes them; the operations tools
 * and the local report read them, so a changed name or format breaks the build of both.
 */
public final class DeadLetterAttributes {

    /** A machine-readable reason, e.g. {@code NOT_JSON} or {@link #RETRIES_EXHAUSTED}. */
    public static final String REASON = "failure.reason";

    /** {@code PERMANENT} or {@code TRANSIENT}. */
    public static final String ERROR_CLASS = "failure.class";

    /** A human-readable message, never an address. */
    public static final String MESSAGE = "failure.message";

    /** When the message first failed (ISO-8601). */
    public static final String FIRST_FAILED_AT = "failure.firstFailedAt";

    /** The message id on the main queue. */
    public static final String SOURCE_MESSAGE_ID = "source.messageId";

    /** The receive count at which it was dead-lettered. */
    public static final String RECEIVE_COUNT = "source.receiveCount";

    /** The reason of a transient failure whose retries ran out; its message names the last reason. */
    public static final String RETRIES_EXHAUSTED = "RETRIES_EXHAUSTED";

    private static final Pattern LAST_REASON = Pattern.compile("^after \\d+ attempts, last: ([A-Z][A-Z0-9_]*)");

    private DeadLetterAttributes() {}

    /** The {@link #MESSAGE} of {@link #RETRIES_EXHAUSTED}: {@code after N attempts, last: REASON detail}. */
    public static String exhaustedMessage(int attempts, String lastReason, String detail) {
        return "after " + attempts + " attempts, last: " + lastReason + " " + detail;
    }

    /** The last reason named by an {@link #exhaustedMessage}, if {@code message} is one. */
    public static Optional<String> lastReason(String message) {
        Matcher matcher = LAST_REASON.matcher(message);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }
}
