package dev.provisioning.infra;

import dev.provisioning.common.MetricNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.constructs.Construct;

/**
 * What an operator watches: one alarm per way a sign-up can go unprovisioned or a user can wait, each with the
 * action to take in its description (sent to the alarm topic when one is given), and a dashboard of the pipeline
 * from confirmation to email.
 */
final class Monitoring extends Construct {

    /** Age of the oldest queued message (seconds) above which provisioning is considered stalled. */
    static final int QUEUE_AGE_ALARM_SECONDS = 300;
    /** Trigger p99 duration (ms) that is too close to Cognito's 5 s budget. */
    static final int TRIGGER_DURATION_P99_ALARM_MS = 3000;
    /**
     * Largest confirmation-to-account latency (ms) of a minute above which sign-ups wait too long. On the
     * published maximum, not a p99: Micrometer publishes per-invocation aggregates (sum, count, avg, max),
     * from which CloudWatch cannot compute a percentile of individual sign-ups.
     */
    static final int PROVISIONING_LATENCY_MAX_ALARM_MS = 60_000;

    /** What is watched. */
    record Watched(Queue queue, Queue deadLetterQueue, Function trigger, Function provisioner) {}

    private final Watched watched;
    private final List<Alarm> alarms = new ArrayList<>();

    Monitoring(Construct scope, String id, Watched watched, String alarmTopicArn) {
        super(scope, id);
        this.watched = watched;
        addAlarms(alarmTopicArn);
        addDashboard();
    }

    /** The alarms, in creation order. */
    List<Alarm> alarms() {
        return List.copyOf(alarms);
    }

    private void addAlarms(String alarmTopicArn) {
        alarm(
                "DeadLetterQueueNotEmpty",
                "Messages in the DLQ: a sign-up was not provisioned (inspect with `dlq`)",
                watched.deadLetterQueue().metricApproximateNumberOfMessagesVisible(minute("Maximum")),
                0);
        alarm(
                "QueueOldestMessageAge",
                "Provisioning is stalled: the oldest queued sign-up is older than 5 minutes",
                watched.queue().metricApproximateAgeOfOldestMessage(minute("Maximum")),
                QUEUE_AGE_ALARM_SECONDS);
        alarm(
                "TriggerErrors",
                "PostConfirmation trigger errors: users see a failed confirmation",
                watched.trigger().metricErrors(minute("Sum")),
                0);
        alarm(
                "TriggerThrottles",
                "The trigger was throttled: Cognito's invoke failed before our code ran, so neither Errors nor"
                        + " trigger.enqueue.failed count it; raise its concurrency, then run `reconcile`",
                watched.trigger().metricThrottles(minute("Sum")),
                0);
        alarm(
                "TriggerDurationP99",
                "Trigger p99 duration is near Cognito's 5 s budget",
                watched.trigger().metricDuration(minute("p99")),
                TRIGGER_DURATION_P99_ALARM_MS);
        alarm(
                "TriggerEnqueueFailed",
                "The trigger could not enqueue sign-ups: run `reconcile`",
                customMetric(MetricNames.TRIGGER_ENQUEUE_FAILED, watched.trigger(), "Sum"),
                0);
        alarm(
                "ProvisioningConfigurationFailures",
                "Every sign-up hits a deployment fault (unverified SES sender, refused user-service key, access"
                        + " denied): records wait on the queue until it is fixed; see the failure reason in the logs",
                customMetric(MetricNames.Published.FAILURE_CONFIGURATION, watched.provisioner(), "Sum"),
                0);
        alarm(
                "ProvisioningLatencyMax",
                "Confirmed users wait too long for their account (slowest sign-up of a minute)",
                customMetric(MetricNames.Published.LATENCY_MAX, watched.provisioner(), "Maximum"),
                PROVISIONING_LATENCY_MAX_ALARM_MS);
        if (alarmTopicArn != null) {
            SnsAction action = new SnsAction(Topic.fromTopicArn(this, "AlarmTopic", alarmTopicArn));
            alarms.forEach(alarm -> alarm.addAlarmAction(action));
        }
    }

    private void alarm(String id, String description, IMetric metric, int threshold) {
        alarms.add(Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private static MetricOptions minute(String statistic) {
        return MetricOptions.builder()
                .period(Duration.minutes(1))
                .statistic(statistic)
                .build();
    }

    private static Metric customMetric(String name, Function function, String statistic) {
        return customMetric(name, Map.of(MetricNames.DIMENSION_FUNCTION, function.getFunctionName()), statistic);
    }

    /** A provisioner counter split by {@code outcome}, as {@code ProvisioningMetrics} publishes it. */
    private static Metric outcomeMetric(String name, Function function, String outcome) {
        return customMetric(
                name,
                Map.of(
                        MetricNames.DIMENSION_FUNCTION,
                        function.getFunctionName(),
                        MetricNames.DIMENSION_OUTCOME,
                        outcome),
                "Sum");
    }

    private static Metric customMetric(String name, Map<String, String> dimensions, String statistic) {
        return Metric.Builder.create()
                .namespace(MetricNames.DEFAULT_NAMESPACE)
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(Duration.minutes(1))
                .build();
    }

    private void addDashboard() {
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("## Cognito confirmation → trigger → SQS → provisioner → DynamoDB + SES")
                .width(24)
                .height(1)
                .build());
        dashboard.addWidgets(triggerWidgets().toArray(GraphWidget[]::new));
        dashboard.addWidgets(queueAndProvisionerWidgets().toArray(GraphWidget[]::new));
        dashboard.addWidgets(outcomeWidgets().toArray(GraphWidget[]::new));
    }

    private List<GraphWidget> triggerWidgets() {
        Function trigger = watched.trigger();
        return List.of(
                graph(
                        "Trigger invocations / errors / throttles",
                        List.of(
                                trigger.metricInvocations(minute("Sum")),
                                trigger.metricErrors(minute("Sum")),
                                trigger.metricThrottles(minute("Sum")),
                                customMetric(MetricNames.TRIGGER_ENQUEUED, trigger, "Sum"),
                                customMetric(MetricNames.TRIGGER_ENQUEUE_FAILED, trigger, "Sum"),
                                customMetric(MetricNames.TRIGGER_SKIPPED, trigger, "Sum"))),
                graph(
                        "Trigger duration (p50, p99 invoke; max in-handler; budget 5 s)",
                        List.of(
                                trigger.metricDuration(minute("p50")),
                                trigger.metricDuration(minute("p99")),
                                customMetric(MetricNames.TRIGGER_DURATION, trigger, "Maximum"))),
                graph(
                        "Queue depth and oldest message age",
                        List.of(
                                watched.queue().metricApproximateNumberOfMessagesVisible(minute("Maximum")),
                                watched.queue().metricApproximateNumberOfMessagesNotVisible(minute("Maximum")),
                                watched.queue().metricApproximateAgeOfOldestMessage(minute("Maximum")))));
    }

    private List<GraphWidget> queueAndProvisionerWidgets() {
        Function provisioner = watched.provisioner();
        return List.of(
                graph(
                        "DLQ depth",
                        List.of(watched.deadLetterQueue().metricApproximateNumberOfMessagesVisible(minute("Maximum")))),
                graph(
                        "Provisioner invocations / errors / duration",
                        List.of(
                                provisioner.metricInvocations(minute("Sum")),
                                provisioner.metricErrors(minute("Sum")),
                                provisioner.metricDuration(minute("p99")))),
                graph(
                        "Accounts and emails",
                        List.of(
                                customMetric(MetricNames.Published.ACCOUNT_CREATED, provisioner, "Sum"),
                                customMetric(MetricNames.Published.ACCOUNT_EXISTING, provisioner, "Sum"),
                                customMetric(MetricNames.Published.EMAIL_SENT, provisioner, "Sum"),
                                customMetric(MetricNames.Published.EMAIL_RESENT, provisioner, "Sum"))));
    }

    private List<GraphWidget> outcomeWidgets() {
        Function provisioner = watched.provisioner();
        return List.of(
                graph(
                        "Records: provisioned, retried, dead-lettered",
                        List.of(
                                outcomeMetric(MetricNames.Published.RECORDS, provisioner, "provisioned"),
                                outcomeMetric(MetricNames.Published.RECORDS, provisioner, "retry"),
                                outcomeMetric(MetricNames.Published.RECORDS, provisioner, "dead_lettered"))),
                graph(
                        "Confirmation to account latency (max, avg; ms)",
                        List.of(
                                customMetric(MetricNames.Published.LATENCY_MAX, provisioner, "Maximum"),
                                customMetric(MetricNames.Published.LATENCY_AVG, provisioner, "Average"))),
                graph(
                        "Batch size (max) and records received",
                        List.of(
                                customMetric(MetricNames.Published.BATCH_SIZE_MAX, provisioner, "Maximum"),
                                customMetric(MetricNames.Published.BATCH_SIZE_SUM, provisioner, "Sum"))));
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(metrics)
                .width(8)
                .height(6)
                .build();
    }
}
