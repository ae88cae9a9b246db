package dev.provisioning.local.lambda;

/**
 * An invocation the host could not run at all (as opposed to a function error, which is a normal
 * {@link InvocationResult}). Carries the Lambda API error code and HTTP status the Invoke API answers with.
 */
public final class LambdaHostException extends RuntimeException {

    private final String errorCode;
    private final int httpStatus;

    LambdaHostException(String errorCode, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    static LambdaHostException notFound(String functionArn) {
        return new LambdaHostException("ResourceNotFoundException", 404, "Function not found: " + functionArn, null);
    }

    static LambdaHostException throttled(String instance, String requestId, long waitedMillis) {
        return new LambdaHostException(
                "TooManyRequestsException",
                429,
                "Rate Exceeded: no instance of " + instance + " became free within " + waitedMillis + " ms for request "
                        + requestId,
                null);
    }

    static LambdaHostException serviceError(String message, Throwable cause) {
        return new LambdaHostException("ServiceException", 500, message, cause);
    }

    /** The Lambda API error code, e.g. {@code ResourceNotFoundException}. */
    public String errorCode() {
        return errorCode;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
