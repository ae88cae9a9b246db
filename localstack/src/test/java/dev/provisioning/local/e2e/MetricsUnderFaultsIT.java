package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.PipelineDriver;
import dev.provisioning.local.PipelineReport;
import dev.provisioning.local.chaos.Chaos;
import dev.provisioning.local.e2e.ProvisionerMetrics.Query;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;

/**
 * Metrics that agree with the truth: sign-ups and poison under injected faults and duplicate
 * trigger calls, then the provisioner's counts in CloudWatch against the run's report, which reads
 * the emulators themselves. The counts are polled for until they agree (or a generous deadline
 * passes, and the failure shows what CloudWatch held): the last invocations publish a moment after
 * the queue drained.
 */
class MetricsUnderFaultsIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(90);
    private static final int FAULTED_USERS = 40;
    private static final int FAULTED_POISON = 2;

    @Test
    void provisioner_whenRunUnderFaults_publishesTheCountsTheReportFinds() {
        String namespace = "MetricsIT-faults-" + UUID.randomUUID().toString().substring(0, 8);
        Queue<String> dropped = new ConcurrentLinkedQueue<>();
        LocalPipeline.Options options = LocalPipeline.Options.defaults(line -> {
                    if (line.contains("Metrics dropped")) {
                        dropped.add(line);
                    }
                })
                .withProvisionerEnvironment(Map.of(
                        FunctionEnvironment.METRICS_NAMESPACE,
                        namespace,
                        FunctionEnvironment.METRICS_PUBLISH_TIMEOUT_MS,
                        MetricsIT.PUBLISH_TIMEOUT_MS))
                .withChaos(new Chaos(0.2, 0, 0, 0.1));
        try (LocalPipeline faulty = LocalPipeline.start(Settings.fromEnvironment(), HarnessPaths.discover(), options)) {
            PipelineDriver.Outcome outcome = PipelineDriver.drive(faulty, FAULTED_USERS, FAULTED_POISON, System.err);
            PipelineReport report = outcome.report();
            assertThat(report.lost()).isZero();
            assertThat(faulty.proxies().stream().mapToLong(p -> p.faults()).sum())
                    .as("faults were injected")
                    .isPositive();

            // The report reads the emulators; the metrics are what the provisioner said. They agree.
            // A send is counted when SES's answer arrives: every emailed user has one, and only a
            // duplicate (an answer lost, then a takeover) can be uncounted.
            Query created = Query.sum(MetricNames.Published.ACCOUNT_CREATED);
            Query deadLettered = Query.sum(MetricNames.Published.RECORDS, "dead_lettered");
            Query sent = Query.sum(MetricNames.Published.EMAIL_SENT);
            int emailedAtMost = report.emailed() + report.duplicateEmails();
            ProvisionerMetrics.await(
                    faulty,
                    namespace,
                    List.of(created, deadLettered, sent),
                    report.provisioned() + " accounts created, " + report.deadLettered() + " records dead-lettered and "
                            + report.emailed() + " to " + emailedAtMost + " emails sent (the report)",
                    seen -> seen.get(created) == report.provisioned()
                            && seen.get(deadLettered) == report.deadLettered()
                            && seen.get(sent) >= report.emailed()
                            && seen.get(sent) <= emailedAtMost,
                    TIMEOUT,
                    () -> "; provisioner lines about dropped metrics: " + dropped);
        }
    }
}
