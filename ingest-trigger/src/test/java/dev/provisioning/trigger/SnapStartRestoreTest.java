package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.metrics.MetricsSettings;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * What the trigger does when SnapStart restores it: fresh credentials and a primed client before
 * the first event, within a bound, and the first event's budget charged from the restore.
 */
class SnapStartRestoreTest {

    private static final long T0 = 1_800_000_000_000L;

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final List<String> logs = new CopyOnWriteArrayList<>();
    private final ColdStart coldStart = ColdStart.startedAt(T0);

    @Test
    void afterRestore_resolvesCredentialsAndPrimesAgain() {
        AtomicInteger resolved = new AtomicInteger();
        TriggerRuntime runtime = runtime(() -> {
            resolved.incrementAndGet();
            return AwsBasicCredentials.create("restored", "restored");
        });

        // A generous bound: the fake returns at once, so this is deterministic on a loaded machine.
        assertThat(runtime.restored(Duration.ofSeconds(30))).isTrue();

        assertThat(resolved.get()).isEqualTo(1);
        assertThat(sqs.primed).singleElement().satisfies(request -> assertThat(
                        request.overrideConfiguration().orElseThrow().apiCallTimeout())
                .contains(TriggerRuntime.PRIME_TIMEOUT));
        assertThat(logs).isEmpty();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void afterRestore_whenCredentialsEndpointHangs_returnsWithoutWaitingForIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TriggerRuntime runtime = runtime(() -> {
            entered.countDown();
            awaitQuietly(release);
            return AwsBasicCredentials.create("late", "late");
        });

        try {
            runtime.afterRestore(null);

            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            // Returned while the fetch is still blocked; the refresh thread carries on alone.
            assertThat(release.getCount()).isEqualTo(1);
            assertThat(sqs.primed).isEmpty();
        } finally {
            release.countDown();
        }
    }

    @Test
    void afterRestore_whenCredentialsFail_logsAWarningAndStillPrimes() {
        TriggerRuntime runtime = runtime(() -> {
            throw new IllegalStateException("container endpoint unreachable");
        });

        assertThat(runtime.restored(Duration.ofSeconds(30))).isTrue();

        assertThat(sqs.primed).hasSize(1);
        assertThat(logs).singleElement().satisfies(line -> {
            assertThat(TriggerLines.field(line, "level")).isEqualTo("WARN");
            assertThat(TriggerLines.field(line, "error")).startsWith("IllegalStateException");
        });
    }

    @Test
    void handle_whenFirstEventAfterRestore_budgetIsChargedFromTheRestore() {
        TriggerRuntime runtime = runtime(() -> {
            // The restore's credential fetch takes 3.2 s of Cognito's wait.
            clock.advance(3200);
            return AwsBasicCredentials.create("slow", "slow");
        });
        coldStart.ready(T0 + 900);
        clock.set(T0 + 900);
        runtime.ingest().handle(Fixtures.event("confirm-sign-up.json"), Duration.ofMillis(4000), "before-snapshot");
        clock.advance(86_400_000);

        // Deterministic here: the fake fetch does not block, so a generous bound never expires.
        assertThat(runtime.restored(Duration.ofSeconds(30))).isTrue();
        clock.advance(10);
        runtime.ingest().handle(Fixtures.event("confirm-sign-up.json"), Duration.ofMillis(4000), "after-restore");

        // min(4000, 5000 - 3210) - 500 margin.
        assertThat(sqs.sent.get(1).overrideConfiguration().orElseThrow().apiCallTimeout())
                .contains(Duration.ofMillis(1290));
    }

    private TriggerRuntime runtime(AwsCredentialsProvider credentials) {
        return new TriggerRuntime(
                PostConfirmationContractTest.config(EnqueueFailurePolicy.FAIL_OPEN),
                sqs,
                credentials,
                new TriggerReporter(
                        logs::add, line -> {}, new MetricsSettings("CognitoProvisioning", "ingest-trigger"), clock),
                clock,
                coldStart);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
