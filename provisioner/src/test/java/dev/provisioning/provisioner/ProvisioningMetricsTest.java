package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.provisioning.common.MetricNames;
import dev.provisioning.common.metrics.MetricsSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

class ProvisioningMetricsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:30Z");
    private static final MetricsSettings SETTINGS = new MetricsSettings("TestNamespace", "provisioner-fn");

    private final FakeCloudWatch cloudWatch = new FakeCloudWatch(request ->
            CompletableFuture.completedFuture(PutMetricDataResponse.builder().build()));
    private final ProvisioningMetrics metrics = metrics(cloudWatch);

    @Test
    void publish_whenTwoAccountsProvisioned_sendsThisInvocationsCountsWithFunctionDimension() {
        metrics.recordBatch(2);
        metrics.recordAccount(true);
        metrics.recordAccount(true);
        metrics.recordProvisioned(new ProvisioningResult(true, true, false, false), NOW.minusSeconds(2));
        metrics.recordProvisioned(new ProvisioningResult(true, true, false, false), NOW.minusSeconds(4));

        metrics.publish(Duration.ofSeconds(5));

        assertThat(cloudWatch.requests).hasSize(1);
        assertThat(cloudWatch.requests.get(0).namespace()).isEqualTo("TestNamespace");
        Map<String, MetricDatum> data = byName(cloudWatch.data());
        assertThat(data.get(MetricNames.Published.ACCOUNT_CREATED).value()).isEqualTo(2.0);
        assertThat(data.get(MetricNames.Published.EMAIL_SENT).value()).isEqualTo(2.0);
        assertThat(data.get(MetricNames.Published.ACCOUNT_CREATED).unit()).isEqualTo(StandardUnit.COUNT);
        assertThat(data.get(MetricNames.Published.ACCOUNT_CREATED).dimensions())
                .containsExactly(dimension(MetricNames.DIMENSION_FUNCTION, "provisioner-fn"));
        assertThat(data.get(MetricNames.Published.ACCOUNT_CREATED).timestamp()).isEqualTo(NOW);
        assertThat(data.get(MetricNames.Published.LATENCY_MAX).value()).isEqualTo(4000.0);
        assertThat(data.get(MetricNames.Published.LATENCY_MAX).unit()).isEqualTo(StandardUnit.MILLISECONDS);
        assertThat(data.get(MetricNames.Published.LATENCY_AVG).value()).isEqualTo(3000.0);
        assertThat(data.get(MetricNames.Published.BATCH_SIZE_MAX).value()).isEqualTo(2.0);
        assertThat(data).doesNotContainKeys(MetricNames.Published.ACCOUNT_EXISTING, MetricNames.Published.EMAIL_RESENT);
        assertThat(cloudWatch.data()).allSatisfy(datum -> assertThat(datum.dimensions())
                .extracting(Dimension::name)
                .isSubsetOf(
                        MetricNames.DIMENSION_FUNCTION,
                        MetricNames.DIMENSION_OUTCOME,
                        MetricNames.DIMENSION_REASON,
                        MetricNames.DIMENSION_ATTEMPT));
    }

    @Test
    void publish_whenCalledForTheNextInvocation_sendsOnlyThatInvocationsValues() {
        metrics.recordAccount(true);
        metrics.recordProvisioned(new ProvisioningResult(true, true, false, false), NOW);
        metrics.recordAccount(true);
        metrics.recordProvisioned(new ProvisioningResult(true, true, false, false), NOW);
        metrics.publish(Duration.ofSeconds(5));
        cloudWatch.requests.clear();

        metrics.recordAccount(false);
        metrics.recordProvisioned(new ProvisioningResult(false, false, false, false), NOW);
        metrics.publish(Duration.ofSeconds(5));

        Map<String, MetricDatum> data = byName(cloudWatch.data());
        assertThat(data.get(MetricNames.Published.ACCOUNT_EXISTING).value()).isEqualTo(1.0);
        assertThat(data).doesNotContainKeys(MetricNames.Published.ACCOUNT_CREATED, MetricNames.Published.EMAIL_SENT);
    }

    @Test
    void publish_whenNothingWasRecorded_sendsNothing() {
        metrics.publish(Duration.ofSeconds(5));

        assertThat(cloudWatch.requests).isEmpty();
    }

    @Test
    void recordFailure_whenTransient_countsReasonAndRetryAttempt() {
        metrics.recordFailure(new FailureClassifier.Failure(false, "THROTTLED", "slow down", Duration.ZERO));
        metrics.recordRetry(3);
        metrics.recordFailure(new FailureClassifier.Failure(true, "NOT_JSON", "bad", Duration.ZERO));
        metrics.recordDeadLettered();

        metrics.publish(Duration.ofSeconds(5));

        List<MetricDatum> data = cloudWatch.data();
        assertThat(data)
                .filteredOn(d -> d.metricName().equals(MetricNames.Published.FAILURE_TRANSIENT))
                .singleElement()
                .satisfies(
                        d -> assertThat(d.dimensions()).contains(dimension(MetricNames.DIMENSION_REASON, "THROTTLED")));
        assertThat(data)
                .filteredOn(d -> d.metricName().equals(MetricNames.Published.RETRY))
                .singleElement()
                .satisfies(d -> assertThat(d.dimensions()).contains(dimension(MetricNames.DIMENSION_ATTEMPT, "3")));
        assertThat(data)
                .filteredOn(d -> d.metricName().equals(MetricNames.Published.FAILURE_PERMANENT))
                .singleElement()
                .satisfies(
                        d -> assertThat(d.dimensions()).contains(dimension(MetricNames.DIMENSION_REASON, "NOT_JSON")));
        assertThat(data)
                .filteredOn(d -> d.metricName().equals(MetricNames.Published.RECORDS))
                .extracting(d -> d.dimensions().stream()
                        .filter(x -> x.name().equals(MetricNames.DIMENSION_OUTCOME))
                        .findFirst()
                        .orElseThrow()
                        .value())
                .containsExactlyInAnyOrder("retry", "dead_lettered");
    }

    @Test
    void attempt_whenReceiveCountIsLarge_isCapped() {
        assertThat(ProvisioningMetrics.attempt(0)).isEqualTo("1");
        assertThat(ProvisioningMetrics.attempt(10)).isEqualTo("10");
        assertThat(ProvisioningMetrics.attempt(11)).isEqualTo("10+");
    }

    @Test
    void publish_whenCloudWatchFails_dropsTheValuesWithoutThrowing() {
        FakeCloudWatch failing = new FakeCloudWatch(
                request -> CompletableFuture.failedFuture(new IllegalStateException("no route to CloudWatch")));
        ProvisioningMetrics failingMetrics = metrics(failing);
        failingMetrics.recordBatch(1);

        assertThatCode(() -> failingMetrics.publish(Duration.ofSeconds(5))).doesNotThrowAnyException();
        assertThat(failing.requests).hasSize(1);
    }

    @Test
    void publish_whenClientThrowsAtOnce_doesNotThrow() {
        FakeCloudWatch throwing = new FakeCloudWatch(request -> {
            throw new IllegalStateException("client closed");
        });
        ProvisioningMetrics throwingMetrics = metrics(throwing);
        throwingMetrics.recordBatch(1);

        assertThatCode(() -> throwingMetrics.publish(Duration.ofSeconds(5))).doesNotThrowAnyException();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void publish_whenCloudWatchNeverAnswers_returnsAfterItsTimeout() {
        FakeCloudWatch silent = new FakeCloudWatch(request -> new CompletableFuture<>());
        ProvisioningMetrics silentMetrics =
                new ProvisioningMetrics(SETTINGS, silent, Duration.ofMillis(50), Clock.fixed(NOW, ZoneOffset.UTC));
        silentMetrics.recordBatch(1);

        assertThatCode(() -> silentMetrics.publish(Duration.ofSeconds(5))).doesNotThrowAnyException();
        assertThat(silent.requests).hasSize(1);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void publish_whenBudgetShorterThanTimeout_waitsOnlyTheBudget() {
        FakeCloudWatch silent = new FakeCloudWatch(request -> new CompletableFuture<>());
        // A publish timeout far beyond the test's own limit: only the budget can end the wait in time.
        ProvisioningMetrics patient =
                new ProvisioningMetrics(SETTINGS, silent, Duration.ofHours(1), Clock.fixed(NOW, ZoneOffset.UTC));
        patient.recordBatch(1);

        assertThatCode(() -> patient.publish(Duration.ofMillis(50))).doesNotThrowAnyException();
        assertThat(silent.requests).hasSize(1);
    }

    @Test
    void publish_whenNoTimeLeft_sendsNothing() {
        metrics.recordBatch(1);

        metrics.publish(Duration.ofMillis(-5));

        assertThat(cloudWatch.requests).isEmpty();
    }

    @Test
    void recordUserServiceSyncAndDeferred_whenRecorded_arePublishedByOutcome() {
        metrics.recordUserServiceSync(false);
        metrics.recordDeferred();

        metrics.publish(Duration.ofSeconds(5));

        assertThat(cloudWatch.data())
                .extracting(d -> d.metricName() + "/"
                        + d.dimensions().stream()
                                .filter(x -> x.name().equals(MetricNames.DIMENSION_OUTCOME))
                                .findFirst()
                                .orElseThrow()
                                .value())
                .contains(
                        MetricNames.Published.USER_SERVICE_SYNC + "/failure",
                        MetricNames.Published.RECORDS + "/deferred");
    }

    @Test
    void disabled_whenUsed_recordsAndPublishesNothing() {
        ProvisioningMetrics disabled = ProvisioningMetrics.disabled();

        disabled.recordBatch(3);
        disabled.recordProvisioned(new ProvisioningResult(true, true, false, false), NOW);

        assertThatCode(() -> disabled.publish(Duration.ofSeconds(5))).doesNotThrowAnyException();
        assertThat(disabled.registry()).isNull();
    }

    private static ProvisioningMetrics metrics(CloudWatchAsyncClient client) {
        return new ProvisioningMetrics(SETTINGS, client, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, MetricDatum> byName(List<MetricDatum> data) {
        return data.stream().collect(Collectors.toMap(MetricDatum::metricName, Function.identity(), (a, b) -> a));
    }

    private static Dimension dimension(String name, String value) {
        return Dimension.builder().name(name).value(value).build();
    }

    /** Records PutMetricData requests and answers them as told. */
    private static final class FakeCloudWatch implements CloudWatchAsyncClient {
        final List<PutMetricDataRequest> requests = new CopyOnWriteArrayList<>();
        private final Function<PutMetricDataRequest, CompletableFuture<PutMetricDataResponse>> answer;

        FakeCloudWatch(Function<PutMetricDataRequest, CompletableFuture<PutMetricDataResponse>> answer) {
            this.answer = answer;
        }

        @Override
        public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
            requests.add(request);
            return answer.apply(request);
        }

        List<MetricDatum> data() {
            return requests.stream().flatMap(r -> r.metricData().stream()).toList();
        }

        @Override
        public String serviceName() {
            return "monitoring";
        }

        @Override
        public void close() {}
    }
}
