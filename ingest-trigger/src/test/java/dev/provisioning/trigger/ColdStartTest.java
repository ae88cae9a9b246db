package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.metrics.MetricsSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cognito's 5 s include the cold start, Lambda's remaining time does not: the first invocation's
 * budget is also bounded by what init left of Cognito's wait. Shown with a hand-moved clock and the
 * apiCallTimeout each SendMessage was given; nothing here reads a real clock.
 */
class ColdStartTest {

    private static final long T0 = 1_800_000_000_000L;
    /** What Lambda reports at the start of an invocation of a function with a 4 s timeout. */
    private static final Duration LAMBDA_REMAINING = Duration.ofMillis(4000);

    private final MutableClock clock = new MutableClock(T0);
    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final List<String> logs = new ArrayList<>();
    private final ColdStart coldStart = ColdStart.startedAt(T0);
    private final ConfirmationIngest ingest = new ConfirmationIngest(
            sqs,
            PostConfirmationContractTest.config(EnqueueFailurePolicy.FAIL_OPEN),
            new TriggerReporter(
                    logs::add, line -> {}, new MetricsSettings("CognitoProvisioning", "ingest-trigger"), clock),
            clock,
            coldStart);

    @Test
    void handle_whenFirstInvocationAfterSlowInit_budgetIsWhatCognitoHasLeftMinusTheMargin() {
        initTook(3000);
        clock.advance(10);

        Outcome outcome = handle();

        // min(4000 remaining, 5000 - 3010 waited) - 500 margin, under the 2000 cap.
        assertThat(outcome).isEqualTo(Outcome.ENQUEUED);
        assertThat(lastCallTimeout()).isEqualTo(Duration.ofMillis(1490));
    }

    @Test
    void handle_whenFastInit_budgetIsTheCap() {
        initTook(800);

        handle();

        assertThat(lastCallTimeout()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void handle_whenSecondInvocation_initIsNoLongerCharged() {
        initTook(3000);
        handle();
        clock.advance(200);

        handle();

        assertThat(sqs.sent).hasSize(2);
        assertThat(lastCallTimeout()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void handle_whenInitLeftLessThanTheMargin_failsWithoutCallingSqs() {
        initTook(4600);

        Outcome outcome = handle();

        assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
        assertThat(sqs.sent).isEmpty();
        assertThat(logs).singleElement().satisfies(line -> assertThat(TriggerLines.field(line, "reason"))
                .contains("no time left"));
    }

    @Test
    void handle_whenFirstEventArrivesLongAfterInit_initWasNotOnCognitosClock() {
        // Provisioned concurrency or proactive initialisation: init ran before anyone waited.
        initTook(4600);
        clock.advance(60_000);

        handle();

        assertThat(lastCallTimeout()).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void handle_whenFirstInvocationAfterSnapStartRestore_chargesTheRestoreNotTheOriginalInit() {
        initTook(1000);
        handle();
        clock.advance(86_400_000);
        coldStart.restarted(clock.millis());
        clock.advance(3200);
        coldStart.ready(clock.millis());
        clock.advance(10);

        handle();

        // min(4000, 5000 - 3210) - 500.
        assertThat(lastCallTimeout()).isEqualTo(Duration.ofMillis(1290));
    }

    @Test
    void millisSinceStart_whenProcFilesAsLinuxWritesThem_isUptimeMinusStartTicks() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 1 0 0 0 10 5 0 0 20 0 12 0 500 123456 789 18\n";

        assertThat(ColdStart.millisSinceStart(stat, "12.34 5.00\n")).isEqualTo(7340);
        assertThat(ColdStart.millisSinceStart(stat, "12.3 5.00\n")).isEqualTo(7300);
    }

    @Test
    void millisSinceStart_whenNotInTheExpectedForm_isMinusOne() {
        assertThat(ColdStart.millisSinceStart("no parentheses", "1.00 2.00")).isEqualTo(-1);
        assertThat(ColdStart.millisSinceStart("1 (java) S 1 2", "1.00 2.00")).isEqualTo(-1);
        String stat = "1 (java) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 500 1 1";
        assertThat(ColdStart.millisSinceStart(stat, "garbage")).isEqualTo(-1);
    }

    @Test
    void processStartMillis_onThisMachine_isBeforeNow() {
        long now = System.currentTimeMillis();

        long started = ColdStart.processStartMillis(now);

        // On Linux, from /proc: this test JVM started before now. Elsewhere it falls back to now.
        assertThat(started)
                .isLessThanOrEqualTo(now)
                .isGreaterThan(now - Duration.ofDays(1).toMillis());
    }

    private void initTook(long millis) {
        clock.set(T0 + millis);
        coldStart.ready(clock.millis());
    }

    private Outcome handle() {
        return ingest.handle(Fixtures.event("confirm-sign-up.json"), LAMBDA_REMAINING, "request-1");
    }

    private Duration lastCallTimeout() {
        return sqs.sent
                .get(sqs.sent.size() - 1)
                .overrideConfiguration()
                .orElseThrow()
                .apiCallTimeout()
                .orElseThrow();
    }
}
