package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.LocalAws;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The provisioner reads the user-service API key from Secrets Manager (moto's) at init and sends it with every user
 * it posts; a user service on loopback stands in for the customer's.
 */
class UserServiceSecretIT {

    private static final String SECRET_NAME =
            "user-service-key-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String KEY = "key-" + UUID.randomUUID();

    @Test
    void provisioner_whenTheKeyIsASecret_postsUsersWithIt() throws Exception {
        List<String> keys = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer users = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        users.createContext("/api/v1/users", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Api-Key")));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        users.start();
        ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        try (LocalPipeline pipeline = LocalPipeline.start(
                Settings.fromEnvironment(),
                HarnessPaths.discover(),
                LocalPipeline.Options.defaults(logs::add)
                        // A user service lengthens one record's worst case (RecordBudget): 20 s here.
                        .withProvisionerTimeout(Duration.ofSeconds(30))
                        .withProvisionerEnvironment(Map.of(
                                FunctionEnvironment.USER_SERVICE_URL,
                                "http://127.0.0.1:" + users.getAddress().getPort() + "/api/v1/users",
                                // A name is a valid secret id too; the ARN is only known once moto is up.
                                FunctionEnvironment.USER_SERVICE_API_KEY_SECRET_ARN,
                                SECRET_NAME)))) {
            try (SecretsManagerClient secrets = SecretsManagerClient.builder()
                    .endpointOverride(
                            URI.create(pipeline.aws().moto().endpoint().toString()))
                    .region(Region.of(LocalAws.REGION))
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                    .build()) {
                secrets.createSecret(b -> b.name(SECRET_NAME).secretString(KEY));
            }

            String sub = pipeline.cognitoClient()
                    .signUpAndConfirm(
                            pipeline.userPool().poolId(),
                            pipeline.userPool().clientId(),
                            "secret-" + UUID.randomUUID() + "@example.com",
                            "Passw0rd!-secret",
                            "Secret User");

            Await.until("the user service received the user", Duration.ofSeconds(90), () -> !bodies.isEmpty());
            assertThat(bodies.get(0)).contains(sub);
            assertThat(keys).containsOnly(KEY);
            // The key never reaches a log line.
            assertThat(logs).noneMatch(line -> line.contains(KEY));
        } finally {
            users.stop(0);
        }
    }
}
