package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.lambda.InvocationResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cognito retries a trigger that errs or times out (up to three calls for one confirmation), so
 * the same event may be enqueued several times; the pipeline must still provision once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriggerRetriesIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

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
    void trigger_whenSameConfirmationInvokedThreeTimes_provisionsOneAccountAndOneEmail() throws Exception {
        String sub = UUID.randomUUID().toString();
        String email = "retried-" + sub + "@example.com";
        byte[] event = confirmSignUp(sub, email);
        long recordsBefore = pipeline.mapping().stats().records();

        for (int call = 0; call < 3; call++) {
            InvocationResult result = pipeline.lambda().invoke(LocalPipeline.TRIGGER_FUNCTION, event);
            assertThat(result.functionError()).as(result.toString()).isFalse();
            assertThat(result.payload()).isEqualTo(event);
        }

        // Three copies reached the provisioner; only then is "once" a result, not a race.
        Await.until(
                "three records through the mapping",
                TIMEOUT,
                () -> pipeline.mapping().stats().records() >= recordsBefore + 3);
        Await.until("an empty queue", TIMEOUT, () -> pipeline.queueDepth() == 0);
        Await.until("the account of " + sub, TIMEOUT, () -> account(sub).isPresent());
        Await.until("the welcome email", TIMEOUT, () -> emailsTo(email).size() == 1);
        assertThat(emailsTo(email)).hasSize(1);
        Map<String, AttributeValue> item = account(sub).orElseThrow();
        assertThat(item.get("cognitoSub").s()).isEqualTo(sub);
        assertThat(item.get("emailState").s()).isEqualTo("SENT");
        assertThat(String.join("\n", logs)).doesNotContain(email);
    }

    private byte[] confirmSignUp(String sub, String email) {
        // Shaped like the event cognito-local records (localstack/src/test/resources/fixtures/).
        String json = """
                {"version":"1","triggerSource":"PostConfirmation_ConfirmSignUp","region":"us-east-1",\
                "userPoolId":"%s","userName":"%s","callerContext":{"awsSdkVersion":"aws-sdk-unknown-unknown",\
                "clientId":"%s"},"request":{"userAttributes":{"sub":"%s","email_verified":"true",\
                "cognito:user_status":"CONFIRMED","name":"Retried User","email":"%s"}},"response":{}}""".formatted(
                        pipeline.userPool().poolId(), sub, pipeline.userPool().clientId(), sub, email);
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private Optional<Map<String, AttributeValue>> account(String sub) {
        return pipeline.account(sub);
    }

    private List<MotoServer.SentEmail> emailsTo(String email) {
        return pipeline.emailsTo(email);
    }
}
