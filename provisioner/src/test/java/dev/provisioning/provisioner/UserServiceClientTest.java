package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.provisioning.common.UserConfirmed;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** Against a real HTTP server on loopback, standing in for the customer's user service. */
class UserServiceClientTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AtomicInteger status = new AtomicInteger(201);
    private final java.util.concurrent.atomic.AtomicReference<String> answer =
            new java.util.concurrent.atomic.AtomicReference<>("");
    private final List<Map<String, Object>> requests = new CopyOnWriteArrayList<>();
    private HttpServer server;
    private SdkHttpClient http;
    private UserServiceClient client;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/users", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(Map.of(
                    "method", exchange.getRequestMethod(),
                    "apiKey", String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-Key")),
                    "idempotencyKey",
                            String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                    "body", JSON.readTree(body)));
            byte[] reply = answer.get().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), reply.length == 0 ? -1 : reply.length);
            if (reply.length > 0) {
                exchange.getResponseBody().write(reply);
            }
            exchange.close();
        });
        server.start();
        http = UrlConnectionHttpClient.builder()
                .socketTimeout(Duration.ofSeconds(2))
                .build();
        client = new UserServiceClient(http, url(server.getAddress().getPort()), Optional.of("secret-key"));
    }

    @AfterEach
    void stopServer() {
        http.close();
        server.stop(0);
    }

    private static URI url(int port) {
        return URI.create("http://127.0.0.1:" + port + "/api/v1/users");
    }

    @Test
    void createUser_whenServiceAccepts_postsTheSeedPayloadWithKeys() {
        client.createUser(message());

        assertThat(requests).hasSize(1);
        Map<String, Object> request = requests.get(0);
        assertThat(request.get("method")).isEqualTo("POST");
        assertThat(request.get("apiKey")).isEqualTo("secret-key");
        assertThat(request.get("idempotencyKey")).isEqualTo("pool_1#sub-1");
        JsonNode body = (JsonNode) request.get("body");
        assertThat(body.path("cognitoSub").asText()).isEqualTo("sub-1");
        assertThat(body.path("email").asText()).isEqualTo("ada@example.com");
        assertThat(body.path("fullName").asText()).isEqualTo("Ada");
        assertThat(body.path("status").asText()).isEqualTo("ACTIVE");
        assertThat(body.path("role").asText()).isEqualTo("USER");
        assertThat(body.path("createdBy").asText()).isEqualTo("sub-1");
        assertThat(body.path("updatedBy").asText()).isEqualTo("sub-1");
    }

    @Test
    void createUser_whenAlreadyExists409WithThisSub_succeeds() {
        status.set(409);
        answer.set("{\"cognitoSub\":\"sub-1\",\"email\":\"ada@example.com\"}");

        client.createUser(message());

        assertThat(requests).hasSize(1);
    }

    @Test
    void createUser_when409NamesAnotherSubOrNone_isAPermanentConflict() {
        // A user deleted and registered again: a new sub, the same email, the old record at the service.
        status.set(409);
        for (String body : new String[] {"{\"cognitoSub\":\"old-sub\"}", "", "not json", "{\"id\":7}"}) {
            answer.set(body);
            assertThatThrownBy(() -> client.createUser(message()))
                    .as(body)
                    .isInstanceOfSatisfying(PermanentFailureException.class, e -> assertThat(e.reason())
                            .isEqualTo("USER_SERVICE_CONFLICT"));
        }
    }

    @Test
    void createUser_when401or403_isAConfigurationFailureThatWaitsForTheFix() {
        for (int code : new int[] {401, 403}) {
            status.set(code);
            assertThatThrownBy(() -> client.createUser(message()))
                    .isInstanceOfSatisfying(TransientFailureException.class, e -> {
                        assertThat(e.reason()).isEqualTo("CONFIGURATION_USER_SERVICE_" + code);
                        assertThat(FailureClassifier.isConfiguration(new FailureClassifier().classify(e)))
                                .isTrue();
                    });
        }
    }

    @Test
    void createUser_when503or429or408_isTransient() {
        for (int code : new int[] {503, 429, 408}) {
            status.set(code);
            assertThatThrownBy(() -> client.createUser(message()))
                    .isInstanceOf(TransientFailureException.class)
                    .hasMessageContaining(Integer.toString(code));
        }
    }

    @Test
    void createUser_when400_isPermanent() {
        status.set(400);

        assertThatThrownBy(() -> client.createUser(message()))
                .isInstanceOfSatisfying(PermanentFailureException.class, e -> assertThat(e.reason())
                        .isEqualTo("USER_SERVICE_REJECTED_400"));
    }

    @Test
    void createUser_whenServiceIsDown_isTransient() {
        server.stop(0);

        assertThatThrownBy(() -> client.createUser(message()))
                .isInstanceOfSatisfying(TransientFailureException.class, e -> assertThat(e.reason())
                        .isEqualTo("USER_SERVICE_UNREACHABLE"));
    }

    private static UserConfirmed message() {
        return new UserConfirmed(
                1,
                "m-1",
                "pool_1#sub-1",
                "pool_1",
                "user",
                "sub-1",
                "ada@example.com",
                true,
                "Ada",
                "PostConfirmation_ConfirmSignUp",
                Instant.parse("2026-11-24T00:00:00Z"),
                "eu-central-1",
                null,
                Map.of());
    }
}
