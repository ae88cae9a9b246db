package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.PipelineDriver;
import dev.provisioning.local.PipelineReport;
import dev.provisioning.local.chaos.Chaos;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Metrics that agree with the truth: sign-ups and poison under injected faults and duplicate
 * trigger calls, then the provisioner's counts in CloudWatch against the run's report, which reads
 * the emulators themselves.
 */
class MetricsUnderFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int FAULTED_USERS = 40;
    private static final int FAULTED_POISON = 2;

    @Test
    void provisioner_whenRunUnderFaults_publishesTheCountsTheReportFinds() {
        String namespace = "MetricsIT-faults-" + UUID.randomUUID().toString().substring(0, 8);
        LocalPipeline.Options options = LocalPipeline.Options.defaults(line -> {})
                .withProvisionerEnvironment(Map.of("METRICS_NAMESPACE", namespace))
                .withChaos(new Chaos(0.2, 0, 0, 0.1));
        try (LocalPipeline faulty = LocalPipeline.start(Settings.fromEnvironment(), HarnessPaths.discover(), options)) {
            PipelineDriver.Outcome outcome = PipelineDriver.drive(faulty, FAULTED_USERS, FAULTED_POISON, System.err);
            PipelineReport report = outcome.report();
            assertThat(report.lost()).isZero();
            assertThat(faulty.proxies().stream().mapToLong(p -> p.faults()).sum())
                    .as("faults were injected")
                    .isPositive();

            // The report reads the emulators; the metrics are what the provisioner said. They agree.
            Await.until(
                    report.provisioned() + " accounts created in CloudWatch",
                    TIMEOUT,
                    () -> ProvisionerMetrics.sum(faulty, namespace, MetricNames.Published.ACCOUNT_CREATED, "Sum", null)
                            == report.provisioned());
            Await.until(
                    report.deadLettered() + " dead-lettered records in CloudWatch",
                    TIMEOUT,
                    () -> ProvisionerMetrics.sum(
                                    faulty, namespace, MetricNames.Published.RECORDS, "Sum", "dead_lettered")
                            == report.deadLettered());
            // A send is counted when SES's answer arrives: every emailed user has one, and only a
            // duplicate (an answer lost, then a takeover) can be uncounted.
            double sent = ProvisionerMetrics.sum(faulty, namespace, MetricNames.Published.EMAIL_SENT, "Sum", null);
            assertThat(sent).isBetween((double) report.emailed(), (double) report.emailed() + report.duplicateEmails());
        }
    }
}
