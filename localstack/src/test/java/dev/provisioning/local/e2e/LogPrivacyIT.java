package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * No email address reaches any log: sign-ups run through the whole local pipeline and every line
 * every component printed (emulators, cognito-local, both functions' stdout and stderr) is searched
 * for each address used, as written, lower-cased and URL-encoded. Also checks that the provisioner's
 * lines are JSON with the correlation fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LogPrivacyIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private LocalPipeline pipeline;

    @BeforeAll
    void startPipeline() {
        pipeline = LocalPipeline.start(
                Settings.fromEnvironment(), HarnessPaths.discover(), LocalPipeline.Options.defaults(logs::add));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void logs_whenUsersSignUpAndResetPasswords_neverContainTheirAddresses() {
        List<String> emails = new ArrayList<>();
        List<String> subs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // The last one has an internationalised domain (SES gets it as punycode).
            String domain = i == 3 ? "@Exämple.com" : "@Example.com";
            String email = "Privacy.User+" + i + "-" + UUID.randomUUID() + domain;
            emails.add(email);
            subs.add(pipeline.cognitoClient()
                    .signUpAndConfirm(
                            pipeline.userPool().poolId(),
                            pipeline.userPool().clientId(),
                            email,
                            "Passw0rd!-privacy",
                            "Private Person " + i));
        }
        for (String sub : subs) {
            Await.until("the welcome email of " + sub, TIMEOUT, () -> emailSent(sub));
        }
        pipeline.cognitoClient()
                .forgotPasswordAndConfirm(
                        pipeline.userPool().poolId(), pipeline.userPool().clientId(), emails.get(0), "N3w-Passw0rd!");
        Await.until(
                "a Provisioned line per user", TIMEOUT, () -> provisionedLines().size() >= subs.size());

        List<String> lines = List.copyOf(logs);
        assertThat(lines).isNotEmpty();
        for (String email : emails) {
            for (String variant : variants(email)) {
                assertThat(lines).as("log lines containing %s", variant).noneMatch(line -> line.toLowerCase(Locale.ROOT)
                        .contains(variant));
            }
        }
    }

    @Test
    void provisionerLogs_whenAUserIsProvisioned_carryTheCorrelationFields() {
        String email = "correlated-" + UUID.randomUUID() + "@example.com";
        String sub = pipeline.cognitoClient()
                .signUpAndConfirm(
                        pipeline.userPool().poolId(),
                        pipeline.userPool().clientId(),
                        email,
                        "Passw0rd!-privacy",
                        "Correlated");
        Await.until("the welcome email of " + sub, TIMEOUT, () -> emailSent(sub));
        Await.until("the Provisioned line of " + sub, TIMEOUT, () -> provisionedLine(sub)
                .isPresent());

        JsonNode line = provisionedLine(sub).orElseThrow();
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("requestId").asText()).isNotBlank();
        assertThat(line.path("messageId").asText()).isNotBlank();
        assertThat(line.path("poolId").asText()).isEqualTo(pipeline.userPool().poolId());
        assertThat(line.path("sub").asText()).isEqualTo(sub);
    }

    private static List<String> variants(String email) {
        String lower = email.toLowerCase(Locale.ROOT);
        return List.of(
                lower,
                URLEncoder.encode(email, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT),
                lower.replace("@", "%40"),
                lower.replace("+", "%2b"),
                EmailAddresses.withAsciiDomain(email).toLowerCase(Locale.ROOT),
                // The local part alone: a redaction that stops at a character it does not expect
                // would leave it behind.
                lower.substring(0, lower.indexOf('@')));
    }

    private List<JsonNode> provisionedLines() {
        List<JsonNode> found = new ArrayList<>();
        for (String line : logs) {
            int start = line.indexOf('{');
            if (!line.startsWith("[" + LocalPipeline.PROVISIONER_FUNCTION + "#") || start < 0) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line.substring(start));
                if (node.path("message").asText().startsWith("Provisioned")) {
                    found.add(node);
                }
            } catch (java.io.IOException e) {
                // Not a JSON line (e.g. the runtime client's own output).
            }
        }
        return found;
    }

    private Optional<JsonNode> provisionedLine(String sub) {
        return provisionedLines().stream()
                .filter(node -> node.path("sub").asText().equals(sub))
                .findFirst();
    }

    private boolean emailSent(String sub) {
        return pipeline.welcomeEmailSent(sub);
    }
}
