package dev.provisioning.common.logging;

import org.slf4j.MDC;

/**
 * The correlation fields every log line of a function carries ({@link JsonLoggingProvider} writes
 * them on each line): the Lambda request id, and while a record is handled its SQS message id, user
 * pool id and Cognito {@code sub}. Never the email address or the name.
 *
 * <p>Lambda runs one invocation at a time per sandbox on one thread; the fields live in SLF4J's
 * thread-bound MDC, so set them on the thread that handles the invocation.
 */
public final class LogContext {

    public static final String REQUEST_ID = "requestId";
    public static final String MESSAGE_ID = "messageId";
    public static final String POOL_ID = "poolId";
    public static final String SUB = "sub";

    /** The fields {@link JsonLoggingProvider} writes on every line, present or not. */
    static final String[] CORRELATION_FIELDS = {REQUEST_ID, MESSAGE_ID, POOL_ID, SUB};

    private LogContext() {}

    /** Starts an invocation: forgets everything of the previous one and sets its request id. */
    public static void invocation(String requestId) {
        MDC.clear();
        putOrRemove(REQUEST_ID, requestId);
    }

    /**
     * Starts a record; closing the scope removes the record's fields again (the request id stays).
     * Use with try-with-resources.
     */
    public static Scope record(String messageId) {
        MDC.remove(POOL_ID);
        MDC.remove(SUB);
        putOrRemove(MESSAGE_ID, messageId);
        return RECORD_SCOPE;
    }

    /** Adds the user's pool and {@code sub} once the record is decoded. */
    public static void user(String poolId, String sub) {
        putOrRemove(POOL_ID, poolId);
        putOrRemove(SUB, sub);
    }

    private static void putOrRemove(String key, String value) {
        if (value == null || value.isEmpty()) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    private static final Scope RECORD_SCOPE = () -> {
        MDC.remove(MESSAGE_ID);
        MDC.remove(POOL_ID);
        MDC.remove(SUB);
    };

    /** The fields of one record, removed on {@link #close()}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
