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
 * <p>Status classes: 2xx and 409 (already exists) are success; 408, 429, 5xx and I/O errors are
 * transient; any other 4xx is permanent (the request itself is wrong and will stay wrong).
 */
final class UserServiceClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SdkHttpClient http;
    private final URI url;
    private final Optional<String> apiKey;

    UserServiceClient(SdkHttpClient http, URI url, Optional<String> apiKey) {
        this.http = http;
        this.url = url;
        this.apiKey = apiKey;
    }

    void createUser(UserConfirmed message) {
        byte[] body = payload(message);
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .uri(url)
                .method(SdkHttpMethod.POST)
                .putHeader("Content-Type", "application/json")
                .putHeader("Content-Length", Integer.toString(body.length))
                .putHeader("Idempotency-Key", message.idempotencyKey());
        apiKey.ifPresent(key -> request.putHeader("X-Api-Key", key));
        int status;
        try {
            HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder()
                            .request(request.build())
                            .contentStreamProvider(() -> new ByteArrayInputStream(body))
                            .build())
                    .call();
            status = response.httpResponse().statusCode();
            if (response.responseBody().isPresent()) {
                response.responseBody().get().close();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new TransientFailureException(
                    "USER_SERVICE_UNREACHABLE",
                    "User service call for " + message.idempotencyKey() + " failed: "
                            + e.getClass().getSimpleName(),
                    Duration.ZERO,
                    e);
        }
        if ((status >= 200 && status < 300) || status == 409) {
            return;
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
