package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.MetricNames;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The budget arithmetic and the handling of events the trigger cannot use. */
class ConfirmationIngestTest {

    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final List<String> logs = new ArrayList<>();
    private final List<String> metrics = new ArrayList<>();
    private final ConfirmationIngest ingest = new ConfirmationIngest(
            sqs,
            PostConfirmationContractTest.config(EnqueueFailurePolicy.FAIL_OPEN),
            new TriggerReporter(
                    logs::add,
                    metrics::add,
                    new dev.provisioning.common.metrics.MetricsSettings("CognitoProvisioning", "ingest-trigger"),
                    Clock.systemUTC()),
            Clock.systemUTC(),
            ColdStart.none());

    @Test
    void budget_whenPlentyOfTimeLeft_isTheCap() {
        assertThat(ingest.budget(Duration.ofMillis(4900), Duration.ZERO)).isEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void budget_whenLittleTimeLeft_isRemainingMinusMargin() {
        assertThat(ingest.budget(Duration.ofMillis(1200), Duration.ZERO)).isEqualTo(Duration.ofMillis(700));
    }

    @Test
    void budget_whenRemainingWithinMargin_isZero() {
        assertThat(ingest.budget(Duration.ofMillis(500), Duration.ZERO)).isZero();
        assertThat(ingest.budget(Duration.ofMillis(-5), Duration.ZERO)).isZero();
    }

    @Test
    void attemptTimeout_whenBudgetLarge_isAThird() {
        assertThat(ConfirmationIngest.attemptTimeout(Duration.ofMillis(1800))).isEqualTo(Duration.ofMillis(600));
    }

    @Test
    void attemptTimeout_whenAThirdIsUnder100Ms_is100Ms() {
        assertThat(ConfirmationIngest.attemptTimeout(Duration.ofMillis(240))).isEqualTo(Duration.ofMillis(100));
        assertThat(ConfirmationIngest.attemptTimeout(Duration.ofMillis(100))).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void attemptTimeout_whenBudgetUnder100Ms_isTheWholeBudget() {
        assertThat(ConfirmationIngest.attemptTimeout(Duration.ofMillis(60))).isEqualTo(Duration.ofMillis(60));
    }

    @Test
    void handle_whenEventIsNotJson_failsOpenWithoutSending() {
        Outcome outcome =
                ingest.handle("not json".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5), "request-1");

        assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
        assertThat(sqs.sent).isEmpty();
        assertThat(TriggerLines.field(logs.get(0), "reason")).isEqualTo("event is not a JSON object");
        assertThat(TriggerLines.field(logs.get(0), "requestId")).isEqualTo("request-1");
    }

    @Test
    void handle_whenSubMissing_failsOpenNamingThePool() {
        byte[] event = """
                {"triggerSource":"PostConfirmation_ConfirmSignUp","userPoolId":"us-east-1_X",
                 "request":{"userAttributes":{"email":"x@example.com","sub":7}},"response":{}}""".getBytes(StandardCharsets.UTF_8);

        Outcome outcome = ingest.handle(event, Duration.ofSeconds(5), "request-1");

        assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
        assertThat(sqs.sent).isEmpty();
        assertThat(TriggerLines.field(logs.get(0), "poolId")).isEqualTo("us-east-1_X");
        assertThat(logs.get(0)).doesNotContain("x@example.com");
    }

    @Test
    void handle_whenTriggerSourceUnknown_skipsWithWarning() {
        byte[] event = """
                {"triggerSource":"PreSignUp_SignUp","userPoolId":"us-east-1_X",
                 "request":{"userAttributes":{"sub":"s"}},"response":{}}""".getBytes(StandardCharsets.UTF_8);

        Outcome outcome = ingest.handle(event, Duration.ofSeconds(5), "request-1");

        assertThat(outcome).isEqualTo(Outcome.SKIPPED);
        assertThat(sqs.sent).isEmpty();
        assertThat(logs).singleElement().satisfies(line -> {
            assertThat(TriggerLines.field(line, "level")).isEqualTo("WARN");
            assertThat(TriggerLines.field(line, "triggerSource")).isEqualTo("PreSignUp_SignUp");
        });
        assertThat(metrics).singleElement().satisfies(line -> assertThat(TriggerLines.parse(line)
                        .get(MetricNames.TRIGGER_SKIPPED)
                        .asInt())
                .isEqualTo(1));
    }
}
