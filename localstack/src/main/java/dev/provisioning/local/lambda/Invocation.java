package dev.provisioning.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** One request travelling from the host through an instance's Runtime API and back; completed exactly once. */
final class Invocation {

    private static final ObjectMapper JSON = new ObjectMapper();

    enum Kind {
        SUCCESS,
        FUNCTION_ERROR,
        TIMEOUT,
        EXIT
    }

    record Outcome(Kind kind, byte[] payload, String errorType) {
        boolean isError() {
            return kind != Kind.SUCCESS;
        }
    }

    final String requestId;
    final String functionArn;
    final byte[] payload;
    final Duration timeout;
    final CompletableFuture<Outcome> outcome = new CompletableFuture<>();

    Invocation(String requestId, String functionArn, byte[] payload, Duration timeout) {
        this.requestId = requestId;
        this.functionArn = functionArn;
        this.payload = payload;
        this.timeout = timeout;
    }

    /**
     * Starts the function timeout when the runtime picks the request up, not when it was queued: a cold start's JVM
     * boot is init time, which Lambda does not charge to the invocation either.
     *
     * @return the deadline in epoch milliseconds, for {@code Lambda-Runtime-Deadline-Ms}
     */
    long dispatched() {
        outcome.completeOnTimeout(timedOut(), timeout.toMillis(), TimeUnit.MILLISECONDS);
        return System.currentTimeMillis() + timeout.toMillis();
    }

    Outcome timedOut() {
        return error(
                Kind.TIMEOUT,
                "Sandbox.Timedout",
                "%s Task timed out after %.2f seconds".formatted(requestId, timeout.toMillis() / 1000.0));
    }

    Outcome exited(int exitCode) {
        String reason = exitCode > 128 ? "signal: " + (exitCode - 128) : "exit status " + exitCode;
        return error(
                Kind.EXIT,
                "Runtime.ExitError",
                "RequestId: %s Error: Runtime exited with error: %s".formatted(requestId, reason));
    }

    static Outcome functionError(byte[] body, String headerErrorType) {
        return new Outcome(Kind.FUNCTION_ERROR, body, errorTypeOf(body, headerErrorType));
    }

    static Outcome error(Kind kind, String errorType, String errorMessage) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("errorMessage", errorMessage);
        body.put("errorType", errorType);
        return new Outcome(kind, toJson(body), errorType);
    }

    static byte[] toJson(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error JSON's own errorType (the exception class) says more than the runtime's error-type header. */
    private static String errorTypeOf(byte[] body, String fallback) {
        try {
            JsonNode type = JSON.readTree(body).path("errorType");
            return type.isTextual() ? type.asText() : fallback;
        } catch (IOException | RuntimeException e) {
            return fallback;
        }
    }
}
