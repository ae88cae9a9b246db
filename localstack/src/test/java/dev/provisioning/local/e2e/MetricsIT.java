package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.e2e.ProvisionerMetrics.Query;
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
 *
 * <p>The counts are polled for until they add up, never waited for by the clock. What must add up
 * holds however loaded the machine is: a record retried (a call timed out) or delivered twice (the
 * trigger's answer was late) is received again, so "received" is every record's one outcome, not
 * the number of users; accounts and counted emails are once per user whatever the redeliveries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetricsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    /**
     * The provisioner's publish timeout here: ample, so a machine too loaded to answer within the
     * default 2 s does not drop the counts this test reads (dropping is the design, tested elsewhere).
     */
    static final String PUBLISH_TIMEOUT_MS = "15000";

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
                        .withProvisionerEnvironment(Map.of(
                                FunctionEnvironment.METRICS_NAMESPACE,
                                NAMESPACE,
                                FunctionEnvironment.METRICS_PUBLISH_TIMEOUT_MS,
                                PUBLISH_TIMEOUT_MS)));
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

        Query created = Query.sum(MetricNames.Published.ACCOUNT_CREATED);
        Query sent = Query.sum(MetricNames.Published.EMAIL_SENT);
        Query latencies = Query.sum(MetricNames.Published.LATENCY_COUNT);
        Query latencyMax = Query.maximum(MetricNames.Published.LATENCY_MAX);
        Query received = Query.sum(MetricNames.Published.BATCH_SIZE_SUM);
        Query provisioned = Query.sum(MetricNames.Published.RECORDS, "provisioned");
        Query retried = Query.sum(MetricNames.Published.RECORDS, "retry");
        Query deferred = Query.sum(MetricNames.Published.RECORDS, "deferred");
        Query deadLettered = Query.sum(MetricNames.Published.RECORDS, "dead_lettered");
        ProvisionerMetrics.await(
                pipeline,
                NAMESPACE,
                List.of(created, sent, latencies, latencyMax, received, provisioned, retried, deferred, deadLettered),
                USERS + " accounts created and " + USERS + " emails sent, at least " + USERS
                        + " records provisioned with a latency each, none dead-lettered, and every record received"
                        + " counted once as provisioned, retried or deferred",
                seen -> seen.get(created) == USERS
                        && seen.get(sent) == USERS
                        && seen.get(provisioned) >= USERS
                        && seen.get(latencies) == seen.get(provisioned)
                        && seen.get(latencyMax) > 0
                        && seen.get(deadLettered) == 0
                        && seen.get(received) == seen.get(provisioned) + seen.get(retried) + seen.get(deferred),
                TIMEOUT,
                this::droppedMetrics);

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

    private String droppedMetrics() {
        return "; provisioner lines about dropped metrics: "
                + logs.stream().filter(line -> line.contains("Metrics dropped")).toList();
    }

    private boolean emailSent(String sub) {
        return pipeline.welcomeEmailSent(sub);
    }
}
