package dev.provisioning.common.logging;

import org.slf4j.MDC;

/**
 * The correlation fields every log line of a function carries ({@link JsonLoggingProvider} writes
 * them on each line): the Lambda request id, and while a record is handled its SQS message id, user
 * pool id and Cognito {@code sub}. Never the email address or the name.
 *
 * <p>Lambda runs one invocation at a time per sandbox; the fields live in SLF4J's thread-bound MDC, so set them on
 * the thread that does the work: {@link #invocation} on the handler's, {@link #worker} on each thread that handles
 * one record of the invocation.
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

    /** The request id set on this thread, or null. */
    public static String requestId() {
        return MDC.get(REQUEST_ID);
    }

    /**
     * Starts a record on a worker thread: sets the invocation's request id (read with {@link #requestId()} on the
     * handler's thread) and the record's message id; closing the scope clears this thread's fields, so that a
     * reused thread carries nothing of this record to the next. Use with try-with-resources.
     */
    public static Scope worker(String requestId, String messageId) {
        MDC.clear();
        putOrRemove(REQUEST_ID, requestId);
        putOrRemove(MESSAGE_ID, messageId);
        return WORKER_SCOPE;
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

    private static final Scope WORKER_SCOPE = MDC::clear;

    /** The fields of one record, removed on {@link #close()}. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
