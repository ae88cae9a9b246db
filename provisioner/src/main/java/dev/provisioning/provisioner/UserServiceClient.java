package dev.provisioning.provisioner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.UserConfirmed;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * POSTs a new user to the optional user service (the seed's {@code POST /api/v1/users} payload).
 * Uses the function's one HTTP client; sends {@code Idempotency-Key: userPoolId#sub} so the
 * service can recognise a retry.
 *
 * <p>Status classes: 2xx is success; 409 (already exists) is success only when its body names this user's
 * {@code cognitoSub} (a user deleted and registered again has a new sub and the same email, and must not be marked
 * synced against someone else's record), otherwise permanent {@code USER_SERVICE_CONFLICT}; 401 and 403 are the
 * function's configuration (its key), transient so that fixing it heals every waiting record; 408, 429, 5xx and
 * I/O errors are transient; any other 4xx is permanent (the request itself is wrong and will stay wrong).
 */
final class UserServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The most of an answer read: enough for the existing user's record a 409 carries. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024;

    private final SdkHttpClient http;
    private final URI url;
    private final Optional<String> apiKey;

    UserServiceClient(SdkHttpClient http, URI url, Optional<String> apiKey) {
        this.http = http;
        this.url = url;
        this.apiKey = apiKey;
    }

    void createUser(UserConfirmed message) {
        Answer answer = post(message);
        judge(message, answer.status(), answer.body());
    }

    /** The status and (the start of) the body of the user service's answer. */
    private record Answer(int status, byte[] body) {}

    private Answer post(UserConfirmed message) {
        byte[] body = payload(message);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .uri(url)
                .method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .putHeader("Idempotency-Key", message.idempotencyKey());
        apiKey.ifPresent(key -> request.putHeader("X-Api-Key", key));
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(request.build())
                            .contentStreamProvider(() -> new ByteArrayInputStream(body))
                            .build())
                    .call();
            byte[] answer = new byte[0];
            if (response.responseBody().isPresent()) {
                try (var in = response.responseBody().get()) {
                    answer = in.readNBytes(MAX_ANSWER_BYTES);
                }
            }
            return new Answer(response.httpResponse().statusCode(), answer);
        } catch (IOException | UncheckedIOException e) {
            throw new TransientFailureException(
                    "USER_SERVICE_UNREACHABLE",
                    "User service call for " + message.idempotencyKey() + " failed: "
                            + e.getClass().getSimpleName(),
                    Duration.ZERO,
                    e);
        }
    }

    /** Returns when the user service has the account; otherwise throws the failure its status means. */
    private static void judge(UserConfirmed message, int status, byte[] answer) {
        if (status >= 200 && status < 300) {
            return;
        }
        if (status == 409) {
            if (message.sub().equals(existingSub(answer))) {
                return;
            }
            throw new PermanentFailureException(
                    "USER_SERVICE_CONFLICT",
                    "User service has another user for " + message.idempotencyKey() + " (409 without this cognitoSub)",
                    null);
        }
        if (status == 401 || status == 403) {
            throw new TransientFailureException(
                    FailureClassifier.CONFIGURATION_PREFIX + "USER_SERVICE_" + status,
                    "User service refused the function's credentials (" + status + ") for " + message.idempotencyKey(),
                    Duration.ZERO,
                    null);
        }
        if (status == 408 || status == 429 || status >= 500) {
            throw new TransientFailureException(
                    "USER_SERVICE_" + status,
                    "User service answered " + status + " for " + message.idempotencyKey(),
                    Duration.ZERO,
                    null);
        }
        throw new PermanentFailureException(
                "USER_SERVICE_REJECTED_" + status,
                "User service rejected " + message.idempotencyKey() + " with " + status,
                null);
    }

    /** The {@code cognitoSub} of the user a 409 says exists, or {@code null} when the answer does not say. */
    static String existingSub(byte[] answer) {
        try {
            var node = JSON.readTree(answer);
            return node != null && node.path("cognitoSub").isTextual()
                    ? node.path("cognitoSub").textValue()
                    : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The seed's payload: cognitoSub, email, fullName, status, role, createdBy, updatedBy. */
    static byte[] payload(UserConfirmed message) {
        ObjectNode node = JSON.createObjectNode();
        node.put("cognitoSub", message.sub());
        node.put("email", message.email());
        node.put("fullName", message.name());
        node.put("status", "ACTIVE");
        node.put("role", "USER");
        node.put("createdBy", message.sub());
        node.put("updatedBy", message.sub());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }
}
