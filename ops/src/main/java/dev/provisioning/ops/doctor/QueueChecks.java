package dev.provisioning.ops.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.Deployment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.EventSourceMappingConfiguration;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Checks 3 and 4: the signup queue's redrive to a DLQ that keeps messages long enough, the event source mappings
 * on it (only the provisioner's alias, batch item failures on, a concurrency cap), and a visibility timeout that
 * covers the invoked function's timeout and the batching window as AWS advises.
 */
final class QueueChecks {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MIN_MAX_RECEIVE_COUNT = Deployment.MAX_RECEIVE_COUNT;
    private static final int DLQ_RETENTION_SECONDS = (int) Deployment.DLQ_RETENTION.toSeconds();

    private final SqsClient sqs;
    private final LambdaClient lambda;

    QueueChecks(SqsClient sqs, LambdaClient lambda) {
        this.sqs = sqs;
        this.lambda = lambda;
    }

    /** What the later checks need of the signup queue. */
    record Queue(String arn, int visibilitySeconds) {}

    Optional<Queue> checkQueue(Target target, List<Check> checks) {
        if (target.queueUrl().isEmpty()) {
            checks.add(Check.skip(
                    "queue", "skipped: --queue-url (QUEUE_URL) would enable the queue, DLQ and mapping checks"));
            return Optional.empty();
        }
        String url = target.queueUrl().get();
        Map<String, String> attributes;
        try {
            attributes = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.ALL))
                    .attributesAsStrings();
        } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
            checks.add(Check.fail("queue.exists", "no queue " + url, "check --queue-url and the region"));
            return Optional.empty();
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck("queue.exists", e));
            return Optional.empty();
        }
        int retention = parseInt(attributes.get("MessageRetentionPeriod"), 345_600);
        String redrive = attributes.get("RedrivePolicy");
        if (redrive == null || redrive.isBlank()) {
            checks.add(Check.fail(
                    "queue.redrive",
                    url + " has no RedrivePolicy: a poison message is retried until it expires",
                    "set RedrivePolicy {deadLetterTargetArn: <DLQ ARN>, maxReceiveCount: " + MIN_MAX_RECEIVE_COUNT
                            + "} (infra does)"));
        } else {
            try {
                JsonNode policy = JSON.readTree(redrive);
                int maxReceiveCount = policy.path("maxReceiveCount").asInt(0);
                String dlq = policy.path("deadLetterTargetArn").asText("");
                if (maxReceiveCount >= MIN_MAX_RECEIVE_COUNT) {
                    checks.add(Check.ok("queue.redrive", "maxReceiveCount=" + maxReceiveCount + " → " + dlq));
                } else {
                    checks.add(Check.fail(
                            "queue.redrive",
                            "maxReceiveCount=" + maxReceiveCount + " is below " + MIN_MAX_RECEIVE_COUNT
                                    + ": a short throttling dead-letters sign-ups",
                            "raise maxReceiveCount to at least " + MIN_MAX_RECEIVE_COUNT + " (infra sets "
                                    + MIN_MAX_RECEIVE_COUNT + ")"));
                }
                if (!dlq.isEmpty()) {
                    checkDeadLetterQueue(dlq, retention, checks);
                }
            } catch (JsonProcessingException e) {
                checks.add(Check.fail("queue.redrive", "unreadable RedrivePolicy: " + redrive, ""));
            }
        }
        return Optional.of(new Queue(attributes.get("QueueArn"), parseInt(attributes.get("VisibilityTimeout"), -1)));
    }

    private void checkDeadLetterQueue(String dlqArn, int queueRetention, List<Check> checks) {
        String name = "queue.dlq-retention";
        int retention;
        String url;
        try {
            url = sqs.getQueueUrl(r -> r.queueName(dlqArn.substring(dlqArn.lastIndexOf(':') + 1))
                            .queueOwnerAWSAccountId(FunctionRef.accountOf(dlqArn)))
                    .queueUrl();
            retention = parseInt(
                    sqs.getQueueAttributes(
                                    r -> r.queueUrl(url).attributeNames(QueueAttributeName.MESSAGE_RETENTION_PERIOD))
                            .attributesAsStrings()
                            .get("MessageRetentionPeriod"),
                    -1);
        } catch (software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException e) {
            checks.add(Check.fail(
                    "queue.dlq",
                    "the RedrivePolicy names " + dlqArn + ", which does not exist: SQS cannot dead-letter anything",
                    "recreate the DLQ or point RedrivePolicy at an existing queue (infra creates both)"));
            return;
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck(name, e));
            return;
        }
        String detail = "DLQ " + url + " keeps messages " + days(retention) + ", the queue " + days(queueRetention);
        String fix = "aws sqs set-queue-attributes --queue-url " + url + " --attributes MessageRetentionPeriod="
                + DLQ_RETENTION_SECONDS + " (14 days, as infra sets)";
        if (retention <= queueRetention) {
            // A dead-lettered message keeps its original enqueue time, so it can expire the moment it arrives.
            checks.add(Check.fail(
                    name,
                    detail + ": not longer than the queue's, so a dead-lettered sign-up may expire on arrival",
                    fix));
        } else if (retention < DLQ_RETENTION_SECONDS) {
            checks.add(Check.warn(name, detail + ": less than 14 days to inspect and redrive", fix));
        } else {
            checks.add(Check.ok(name, detail));
        }
    }

    private static String days(int seconds) {
        return seconds % 86_400 == 0 ? seconds / 86_400 + " d" : seconds + " s";
    }

    private static int parseInt(String value, int fallback) {
        try {
            return value == null ? fallback : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    // ---- 4: event source mappings --------------------------------------------------------------

    List<EventSourceMappingConfiguration> checkMappings(Target target, Optional<Queue> queue, List<Check> checks) {
        if (target.provisioner().isEmpty() || queue.isEmpty() || queue.get().arn() == null) {
            checks.add(Check.skip(
                    "mapping",
                    "skipped: --provisioner (PROVISIONER_FUNCTION) and a readable --queue-url would enable it"));
            return List.of();
        }
        String queueArn = queue.get().arn();
        FunctionRef provisioner = FunctionRef.parse(target.provisioner().get());
        List<EventSourceMappingConfiguration> all = new ArrayList<>();
        try {
            // By queue, not by function: a name lists only the mappings on that exact qualifier, and the
            // stack's mapping is on the alias.
            lambda.listEventSourceMappingsPaginator(r -> r.eventSourceArn(queueArn))
                    .eventSourceMappings()
                    .forEach(all::add);
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck("mapping", e));
            return List.of();
        }
        List<EventSourceMappingConfiguration> mine = new ArrayList<>();
        for (EventSourceMappingConfiguration mapping : all) {
            if (FunctionRef.parse(mapping.functionArn()).sameFunctionAnyQualifier(provisioner)) {
                mine.add(mapping);
            } else {
                boolean enabled = isEnabled(mapping);
                Check other = new Check(
                        "mapping.other-consumer",
                        enabled ? Status.FAIL : Status.WARN,
                        "mapping " + mapping.uuid() + " (" + mapping.state() + ") also consumes the queue into "
                                + mapping.functionArn() + ": sign-ups it takes never reach the provisioner",
                        "unless meant: aws lambda delete-event-source-mapping --uuid " + mapping.uuid());
                checks.add(other);
            }
        }
        if (mine.isEmpty()) {
            checks.add(Check.fail(
                    "mapping",
                    "no event source mapping from " + queueArn + " to " + provisioner.name() + " (any qualifier)",
                    "deploy the stack (infra) or aws lambda create-event-source-mapping"));
            return List.of();
        }
        if (mine.size() > 1) {
            checks.add(Check.warn(
                    "mapping.count",
                    mine.size() + " mappings consume the queue into " + provisioner.name() + ": each polls it, and"
                            + " MaximumConcurrency is per mapping, so their limits add up",
                    "keep the one on alias live (infra's) and delete the others"));
        }
        for (EventSourceMappingConfiguration mapping : mine) {
            checkMapping(mapping, checks);
        }
        return List.copyOf(mine);
    }

    private void checkMapping(EventSourceMappingConfiguration mapping, List<Check> checks) {
        String id = "mapping " + mapping.uuid();
        boolean reportsFailures =
                mapping.functionResponseTypes().contains(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES);
        Integer maximum =
                mapping.scalingConfig() == null ? null : mapping.scalingConfig().maximumConcurrency();
        checks.add(Check.ok(
                "mapping",
                id + " → " + mapping.functionArn() + ": State=" + mapping.state() + ", BatchSize="
                        + mapping.batchSize() + ", MaximumBatchingWindowInSeconds=" + window(mapping)
                        + ", ReportBatchItemFailures=" + (reportsFailures ? "on" : "off") + ", MaximumConcurrency="
                        + (maximum == null ? "none" : maximum)));
        if (isEnabled(mapping)) {
            checks.add(Check.ok("mapping.enabled", id + " is Enabled"));
        } else {
            checks.add(Check.fail(
                    "mapping.enabled",
                    id + " is " + mapping.state(),
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid() + " --enabled"));
        }
        if (reportsFailures) {
            checks.add(Check.ok("mapping.batch-item-failures", id + ": ReportBatchItemFailures is on"));
        } else {
            checks.add(Check.fail(
                    "mapping.batch-item-failures",
                    id + ": ReportBatchItemFailures is off: one failed record retries the whole batch",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --function-response-types ReportBatchItemFailures"));
        }
        if (maximum != null) {
            checks.add(Check.ok("mapping.max-concurrency", id + ": MaximumConcurrency=" + maximum));
        } else {
            checks.add(Check.warn(
                    "mapping.max-concurrency",
                    id
                            + ": no ScalingConfig.MaximumConcurrency: a burst of sign-ups may take the account's concurrency",
                    "aws lambda update-event-source-mapping --uuid " + mapping.uuid()
                            + " --scaling-config MaximumConcurrency=<N>"));
        }
        if (FunctionRef.parse(mapping.functionArn()).qualifier() == null) {
            checks.add(Check.warn(
                    "mapping.qualifier",
                    id + " invokes the unqualified function ($LATEST): SnapStart applies to published versions only",
                    "map the queue to the alias live instead (infra does)"));
        }
    }

    private static boolean isEnabled(EventSourceMappingConfiguration mapping) {
        return "Enabled".equalsIgnoreCase(mapping.state());
    }

    private static int window(EventSourceMappingConfiguration mapping) {
        return mapping.maximumBatchingWindowInSeconds() == null ? 0 : mapping.maximumBatchingWindowInSeconds();
    }

    // ---- 3 + 4: visibility against the function timeout and the batching window ---------------

    void checkVisibility(
            Target target, Optional<Queue> queue, List<EventSourceMappingConfiguration> mappings, List<Check> checks) {
        String name = "queue.visibility";
        if (target.provisioner().isEmpty()) {
            checks.add(Check.skip(name, "skipped: --provisioner (PROVISIONER_FUNCTION) would enable it"));
            return;
        }
        if (queue.isEmpty()) {
            return; // the queue line already says why
        }
        // The timeout of what the mapping invokes (an alias's version may differ from $LATEST), else --provisioner.
        Map<String, Integer> windows = new LinkedHashMap<>();
        if (mappings.isEmpty()) {
            windows.put(target.provisioner().get(), 0);
        }
        mappings.forEach(m -> windows.merge(m.functionArn(), window(m), Math::max));
        String worst = null;
        int required = -1;
        String reason = "";
        try {
            for (Map.Entry<String, Integer> entry : windows.entrySet()) {
                FunctionRef ref = FunctionRef.parse(entry.getKey());
                int timeout = lambda.getFunctionConfiguration(
                                r -> r.functionName(ref.unqualified()).qualifier(ref.qualifier()))
                        .timeout();
                int needed = Deployment.visibilityTimeoutSeconds(timeout, entry.getValue());
                if (needed > required) {
                    required = needed;
                    worst = ref.toString();
                    reason = Deployment.VISIBILITY_FACTOR + " × Timeout " + timeout + "s + batching window "
                            + entry.getValue() + "s";
                }
            }
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck(name, e));
            return;
        }
        int visibility = queue.get().visibilitySeconds();
        String detail = "VisibilityTimeout=" + visibility + "s, needs at least " + required + "s (" + reason + " of "
                + worst + (mappings.isEmpty() ? "; no mapping found, so no window counted" : "") + ")";
        if (visibility >= required) {
            checks.add(Check.ok(name, detail));
        } else {
            checks.add(Check.fail(
                    name,
                    detail + ": messages reappear while still in flight and are processed twice",
                    "set VisibilityTimeout to at least " + required
                            + "s (infra derives it: 6 × provisionerTimeoutSeconds" + " + batchingWindowSeconds)"));
        }
    }
}
