package dev.provisioning.local.cognito;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.local.cognito.CognitoLocalClient.UserPool;
import dev.provisioning.local.cognito.RecordingLambda.Behaviour;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

class CognitoLocalTest {

    // Surefire runs in the module directory, where package.json and package-lock.json live.
    private static final Path PROJECT_DIR = Path.of("").toAbsolutePath();
    private static final String FUNCTION = "post-confirmation";
    private static final String PASSWORD = "Passw0rd!";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> log = new CopyOnWriteArrayList<>();

    @Test
    void signUpAndConfirm_whenTriggerConfigured_deliversOnePostConfirmationEvent() throws Exception {
        try (RecordingLambda lambda = new RecordingLambda(Behaviour.ECHO);
                CognitoLocal local = start(lambda.endpoint());
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");

            long started = System.nanoTime();
            String sub = client.signUpAndConfirm(
                    pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada Lovelace");
            System.out.printf("sign-up + confirm took %d ms%n", (System.nanoTime() - started) / 1_000_000);

            assertThat(lambda.invocations()).singleElement().satisfies(invocation -> {
                assertThat(invocation.functionName()).isEqualTo(FUNCTION);
                assertThat(invocation.invocationType()).isEqualTo("RequestResponse");
            });
            JsonNode event = JSON.readTree(lambda.invocations().getFirst().body());
            assertThat(event.path("triggerSource").asText()).isEqualTo("PostConfirmation_ConfirmSignUp");
            assertThat(event.path("userPoolId").asText()).isEqualTo(pool.poolId());
            // With e-mail user names cognito-local stores and reports the sub as the user name.
            assertThat(event.path("userName").asText()).isEqualTo(sub);
            assertThat(event.path("request").path("userAttributes").path("sub").asText())
                    .isEqualTo(sub);
            assertThat(event.path("request")
                            .path("userAttributes")
                            .path("email")
                            .asText())
                    .isEqualTo("ada@example.com");
            assertThat(event.path("request").path("userAttributes").path("name").asText())
                    .isEqualTo("Ada Lovelace");
            // cognito-local hard-codes "local", whatever region its Lambda client is configured with.
            assertThat(event.path("region").asText()).isEqualTo("local");
            assertThat(event.path("callerContext").path("clientId").asText()).isEqualTo(pool.clientId());
            keep("cognito-local-post-confirmation.json", event);
            assertThat(fieldPaths(event)).isEqualTo(fieldPaths(fixture("cognito-local-post-confirmation.json")));
        }
    }

    @Test
    void forgotPasswordAndConfirm_whenTriggerConfigured_deliversConfirmForgotPasswordEvent() throws Exception {
        try (RecordingLambda lambda = new RecordingLambda(Behaviour.ECHO);
                CognitoLocal local = start(lambda.endpoint());
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");
            String sub = client.signUpAndConfirm(
                    pool.poolId(), pool.clientId(), "grace@example.com", PASSWORD, "Grace Hopper");

            client.forgotPasswordAndConfirm(pool.poolId(), pool.clientId(), "grace@example.com", "N3w-Passw0rd!");

            assertThat(lambda.invocations()).hasSize(2);
            JsonNode event = JSON.readTree(lambda.invocations().get(1).body());
            assertThat(event.path("triggerSource").asText()).isEqualTo("PostConfirmation_ConfirmForgotPassword");
            assertThat(event.path("userPoolId").asText()).isEqualTo(pool.poolId());
            assertThat(event.path("userName").asText()).isEqualTo(sub);
            assertThat(event.path("request")
                            .path("userAttributes")
                            .path("email")
                            .asText())
                    .isEqualTo("grace@example.com");
            keep("cognito-local-post-confirmation-forgot-password.json", event);
            assertThat(fieldPaths(event))
                    .isEqualTo(fieldPaths(fixture("cognito-local-post-confirmation-forgot-password.json")));
        }
    }

    @Test
    void confirmSignUp_whenTriggerAnswers500_stillConfirmsUserAfterRetries() throws Exception {
        try (RecordingLambda lambda = new RecordingLambda(Behaviour.SERVICE_ERROR);
                CognitoLocal local = start(lambda.endpoint());
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");

            String sub = client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada");

            // Unlike Cognito, cognito-local logs the failure and confirms anyway. The JS SDK's Lambda client
            // retries a 500 three times (its default maxRetries) before giving up.
            assertThat(lambda.invocations()).hasSize(4);
            assertThat(client.listConfirmedUsers(pool.poolId()))
                    .extracting(UserType::username)
                    .containsExactly(sub);
            assertThat(log).anyMatch(line -> line.contains("UnexpectedLambdaException"));
        }
    }

    @Test
    void confirmSignUp_whenFunctionThrows_stillConfirmsUser() throws Exception {
        try (RecordingLambda lambda = new RecordingLambda(Behaviour.FUNCTION_ERROR);
                CognitoLocal local = start(lambda.endpoint());
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");

            String sub = client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada");

            // A function error is not retried; cognito-local logs it and confirms anyway.
            assertThat(lambda.invocations()).hasSize(1);
            assertThat(client.listConfirmedUsers(pool.poolId()))
                    .extracting(UserType::username)
                    .containsExactly(sub);
            assertThat(log).anyMatch(line -> line.contains("boom"));
        }
    }

    @Test
    void listConfirmedUsers_whenOneUserUnconfirmed_returnsOnlyConfirmed() {
        try (CognitoLocal local = start(null);
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");
            String confirmed =
                    client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada");
            client.sdk().signUp(r -> r.clientId(pool.clientId())
                    .username("bob@example.com")
                    .password(PASSWORD));

            List<UserType> users = client.listConfirmedUsers(pool.poolId());

            assertThat(users).extracting(UserType::username).containsExactly(confirmed);
        }
    }

    @Test
    void signUpAndConfirm_whenUserExists_failsNamingStepAndPoolButNotAddress() {
        try (CognitoLocal local = start(null);
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");
            client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada");

            assertThatThrownBy(() ->
                            client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada"))
                    .hasMessageContaining("SignUp")
                    .hasMessageContaining(pool.poolId())
                    .hasMessageContaining(CognitoLocalClient.ref("ada@example.com"))
                    .hasMessageNotContaining("ada@example.com");
        }
    }

    @Test
    void close_whenRunning_stopsProcessAndDeletesWorkDir() {
        CognitoLocal local = start(null);
        ProcessHandle process = local.processHandle();
        Path workDir = local.workDir();
        assertThat(process.isAlive()).isTrue();

        local.close();
        local.close(); // idempotent

        assertThat(process.isAlive()).isFalse();
        assertThat(workDir).doesNotExist();
    }

    @Test
    void start_logsWithoutColourCodesOrAddresses() {
        try (CognitoLocal local = start(null);
                CognitoLocalClient client = local.newClient()) {
            UserPool pool = client.createUserPool("tenants");
            client.signUpAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", PASSWORD, "Ada");
            // ForgotPassword makes cognito-local print a delivery box with the destination address.
            client.forgotPasswordAndConfirm(pool.poolId(), pool.clientId(), "ada@example.com", "N3w-Passw0rd!");

            assertThat(log).anyMatch(line -> line.contains("Cognito Local running on " + local.endpoint()));
            assertThat(log).anyMatch(line -> line.contains("<redacted-email>"));
            assertThat(log).noneMatch(line -> line.contains("ada@example.com") || line.contains("\u001B["));
        }
    }

    @Test
    void requireNode_whenNodeMissing_failsWithClearMessage() {
        assertThatThrownBy(() -> CognitoLocal.requireNode("no-such-node-binary"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cognito-local needs Node.js 18+ on PATH");
    }

    private CognitoLocal start(URI lambdaEndpoint) {
        long started = System.nanoTime();
        CognitoLocal local = CognitoLocal.start(new CognitoLocal.Options(
                lambdaEndpoint,
                FUNCTION,
                "eu-west-1",
                line -> {
                    log.add(line);
                    System.out.println("[cognito-local] " + line);
                },
                PROJECT_DIR));
        System.out.printf("cognito-local start-up took %d ms%n", (System.nanoTime() - started) / 1_000_000);
        return local;
    }

    private static JsonNode fixture(String name) throws IOException {
        try (InputStream in = CognitoLocalTest.class.getResourceAsStream("/fixtures/" + name)) {
            assertThat(in).as("fixture " + name).isNotNull();
            return JSON.readTree(in);
        }
    }

    /** Keeps the latest recorded event under target/, to refresh the fixture from when cognito-local changes. */
    private static void keep(String name, JsonNode event) throws IOException {
        Path dir = Files.createDirectories(Path.of("target", "recorded-events"));
        Files.writeString(
                dir.resolve(name), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(event) + "\n");
    }

    /** Every field path in the document, e.g. request.userAttributes.sub: the event's shape without values. */
    private static TreeSet<String> fieldPaths(JsonNode node) {
        TreeSet<String> paths = new TreeSet<>();
        collect("", node, paths);
        return paths;
    }

    private static void collect(String prefix, JsonNode node, TreeSet<String> paths) {
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String path = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
            paths.add(path);
            collect(path, field.getValue(), paths);
        }
    }
}
