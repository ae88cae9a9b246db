package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;

/**
 * The provisioner's metrics arrive where the alarms read them: users sign up through the local
 * pipeline, and the counts are read back from moto's CloudWatch, in a namespace of this test's own.
 * {@link MetricsUnderFaultsIT} compares them with a faulted run's report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int USERS = 3;
    private static final String NAMESPACE =
            "MetricsIT-" + UUID.randomUUID().toString().substring(0, 8);

    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private LocalPipeline pipeline;

    @BeforeAll
    void startPipeline() {
        pipeline = LocalPipeline.start(
                Settings.fromEnvironment(),
                HarnessPaths.discover(),
                LocalPipeline.Options.defaults(logs::add)
                        .withProvisionerEnvironment(Map.of("METRICS_NAMESPACE", NAMESPACE)));
    }

    @AfterAll
    void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void provisioner_whenUsersSignUp_publishesTheirCountsToCloudWatch() {
        List<String> subs = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            subs.add(pipeline.cognitoClient()
                    .signUpAndConfirm(
                            pipeline.userPool().poolId(),
                            pipeline.userPool().clientId(),
                            "metrics-" + UUID.randomUUID() + "@example.com",
                            "Passw0rd!-metrics",
                            "Metrics User"));
        }
        for (String sub : subs) {
            Await.until("the account of " + sub, TIMEOUT, () -> emailSent(sub));
        }

        Await.until(
                USERS + " accounts created in CloudWatch",
                TIMEOUT,
                () -> sum(MetricNames.Published.ACCOUNT_CREATED, "Sum") == USERS);
        Await.until(
                USERS + " emails sent in CloudWatch",
                TIMEOUT,
                () -> sum(MetricNames.Published.EMAIL_SENT, "Sum") == USERS);

        assertThat(sum(MetricNames.Published.LATENCY_COUNT, "Sum")).isEqualTo(USERS);
        assertThat(sum(MetricNames.Published.LATENCY_MAX, "Maximum")).isPositive();
        assertThat(sum(MetricNames.Published.BATCH_SIZE_SUM, "Sum")).isEqualTo(USERS);
        List<Metric> listed = pipeline.aws()
                .cloudWatch()
                .listMetrics(b -> b.namespace(NAMESPACE))
                .metrics();
        assertThat(listed)
                .extracting(Metric::metricName)
                .contains(
                        MetricNames.Published.ACCOUNT_CREATED,
                        MetricNames.Published.EMAIL_SENT,
                        MetricNames.Published.LATENCY_MAX,
                        MetricNames.Published.RECORDS);
        assertThat(listed)
                .flatExtracting(Metric::dimensions)
                .extracting(Dimension::name)
                .isSubsetOf(
                        MetricNames.DIMENSION_FUNCTION,
                        MetricNames.DIMENSION_OUTCOME,
                        MetricNames.DIMENSION_REASON,
                        MetricNames.DIMENSION_ATTEMPT);
        assertThat(logs).noneMatch(line -> line.contains("Metrics dropped"));
    }

    private boolean emailSent(String sub) {
        return pipeline.welcomeEmailSent(sub);
    }

    private double sum(String metricName, String statistic) {
        return ProvisionerMetrics.sum(pipeline, NAMESPACE, metricName, statistic, null);
    }
}
