package dev.provisioning.local.lambda;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The outcome of one synchronous invocation, as the Invoke API would report it plus what Lambda only logs (cold start,
 * instance). Plain data; owns no resources.
 *
 * @param payload the function's response, or the error JSON ({@code errorMessage}, {@code errorType}) on a function
 *     error
 * @param functionError whether the Invoke API would set {@code X-Amz-Function-Error: Unhandled}
 * @param errorType the error's {@code errorType} (e.g. {@code Sandbox.Timedout}), or null on success
 * @param duration wall time of the invocation, including a cold start
 * @param requestId the request id the function saw in its context
 * @param coldStart whether this invocation started a new instance
 * @param instance label of the instance that ran it, {@code function-name#n}
 */
public record InvocationResult(
        byte[] payload,
        boolean functionError,
        String errorType,
        Duration duration,
        String requestId,
        boolean coldStart,
        String instance) {

    public String payloadUtf8() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "InvocationResult[" + instance + " " + requestId + (functionError ? " error=" + errorType : " ok")
                + (coldStart ? " cold" : " warm") + " " + duration.toMillis() + " ms: " + payloadUtf8() + "]";
    }
}
