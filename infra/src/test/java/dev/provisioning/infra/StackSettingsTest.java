package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.EnqueueFailurePolicy;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Context parsing and validation, without synthesizing anything. */
class StackSettingsTest {

    @TempDir
    Path dir;

    private final Map<String, Object> context = new HashMap<>();

    @BeforeEach
    void jars() {
        context.put(StackSettings.SENDER_ADDRESS, "no-reply@example.com");
        context.put(
                StackSettings.TRIGGER_JAR,
                StackFixture.jar(dir.resolve("t.jar")).toString());
        context.put(
                StackSettings.PROVISIONER_JAR,
                StackFixture.jar(dir.resolve("p.jar")).toString());
    }

    private StackSettings settings() {
        return StackSettings.fromContext(context::get, dir);
    }

    @Test
    void fromContext_whenOnlySenderGiven_usesDocumentedDefaults() {
        StackSettings settings = settings();

        assertThat(settings.importsUserPool()).isFalse();
        assertThat(settings.batchSize()).isEqualTo(10);
        assertThat(settings.batchingWindowSeconds()).isEqualTo(1);
        assertThat(settings.maxConcurrency()).isEqualTo(5);
        assertThat(settings.enqueueFailurePolicy()).isEqualTo(EnqueueFailurePolicy.FAIL_OPEN);
        assertThat(settings.enqueueTimeoutMs()).isEqualTo(2000);
        assertThat(settings.tableName()).isEqualTo("accounts");
        assertThat(settings.userServiceUrl()).isNull();
        assertThat(settings.alarmTopicArn()).isNull();
        assertThat(settings.senderIdentityExists()).isFalse();
        assertThat(settings.provisionerTimeoutSeconds()).isEqualTo(30);
        assertThat(settings.visibilityTimeoutSeconds()).isEqualTo(6 * 30 + 1);
    }

    @Test
    void fromContext_whenProvisionerTimeoutGiven_visibilityIsSixTimesItPlusTheWindow() {
        context.put(StackSettings.PROVISIONER_TIMEOUT_SECONDS, 60.0);
        context.put(StackSettings.BATCHING_WINDOW_SECONDS, "20");

        StackSettings settings = settings();

        assertThat(settings.provisionerTimeoutSeconds()).isEqualTo(60);
        assertThat(settings.visibilityTimeoutSeconds()).isEqualTo(6 * 60 + 20);
    }

    @Test
    void fromContext_whenProvisionerTimeoutOutOfRange_failsNamingTheKey() {
        context.put(StackSettings.PROVISIONER_TIMEOUT_SECONDS, "901");

        assertThatThrownBy(this::settings)
                .hasMessageContaining("'provisionerTimeoutSeconds'")
                .hasMessageContaining("10 and 900");
    }

    @Test
    void fromContext_whenSenderMissing_failsNamingTheContextKey() {
        context.remove(StackSettings.SENDER_ADDRESS);

        assertThatThrownBy(this::settings)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'senderAddress'")
                .hasMessageContaining("-c senderAddress=");
    }

    @Test
    void fromContext_whenJarMissing_failsNamingKeyPathAndBuildCommand() {
        context.remove(StackSettings.PROVISIONER_JAR);

        assertThatThrownBy(this::settings)
                .hasMessageContaining("'provisionerJar'")
                .hasMessageContaining(
                        dir.resolve("../provisioner/target").normalize().toString())
                .hasMessageContaining("./mvnw -pl provisioner -am package");
    }

    @Test
    void fromContext_whenJarPathRelative_resolvesAgainstBaseDir() {
        context.put(StackSettings.TRIGGER_JAR, "t.jar");

        assertThat(settings().triggerJar()).isEqualTo(dir.resolve("t.jar"));
    }

    @Test
    void fromContext_whenNumbersComeFromCdkJson_acceptsWholeDoubles() {
        context.put(StackSettings.BATCH_SIZE, 25.0);
        context.put(StackSettings.BATCHING_WINDOW_SECONDS, 2);

        assertThat(settings().batchSize()).isEqualTo(25);
        assertThat(settings().batchingWindowSeconds()).isEqualTo(2);
    }

    @Test
    void fromContext_whenBatchAboveTenWithoutWindow_failsWithSqsRule() {
        context.put(StackSettings.BATCH_SIZE, "50");
        context.put(StackSettings.BATCHING_WINDOW_SECONDS, "0");

        assertThatThrownBy(this::settings).hasMessageContaining("'batchingWindowSeconds'");
    }

    @Test
    void fromContext_whenNumberMalformedOrOutOfRange_failsNamingTheKey() {
        context.put(StackSettings.MAX_CONCURRENCY, "1");
        assertThatThrownBy(this::settings)
                .hasMessageContaining("'maxConcurrency'")
                .hasMessageContaining("2 and 1000");

        context.put(StackSettings.MAX_CONCURRENCY, "ten");
        assertThatThrownBy(this::settings)
                .hasMessageContaining("'maxConcurrency'")
                .hasMessageContaining("whole number");
    }

    @Test
    void fromContext_whenPolicyUnknown_listsTheAllowedValues() {
        context.put(StackSettings.ENQUEUE_FAILURE_POLICY, "RETRY");

        assertThatThrownBy(this::settings).hasMessageContaining("FAIL_OPEN or FAIL_CLOSED");
    }

    @Test
    void fromContext_whenPolicyLowerCase_acceptsIt() {
        context.put(StackSettings.ENQUEUE_FAILURE_POLICY, "fail_closed");

        assertThat(settings().enqueueFailurePolicy()).isEqualTo(EnqueueFailurePolicy.FAIL_CLOSED);
    }

    @Test
    void fromContext_whenUserPoolIdMalformed_failsNamingTheKey() {
        context.put(StackSettings.USER_POOL_ID, "arn:aws:cognito-idp:eu-central-1:1:userpool/eu-central-1_X");

        assertThatThrownBy(this::settings).hasMessageContaining("'userPoolId'");
    }

    @Test
    void fromContext_whenUserPoolIdGiven_importsIt() {
        context.put(StackSettings.USER_POOL_ID, " eu-central-1_DYtybOJbi ");

        assertThat(settings().importsUserPool()).isTrue();
        assertThat(settings().userPoolId()).isEqualTo("eu-central-1_DYtybOJbi");
    }

    @Test
    void fromContext_whenEnqueueTimeoutExceedsTriggerBudget_fails() {
        context.put(StackSettings.ENQUEUE_TIMEOUT_MS, "4500");

        assertThatThrownBy(this::settings).hasMessageContaining("'enqueueTimeoutMs'");
    }
}
