package dev.provisioning.trigger;

import dev.provisioning.common.AwsSettings;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import java.time.Duration;

/**
 * The ingest trigger's configuration, read once at start-up.
 *
 * @param queueUrl the provisioning queue ({@code QUEUE_URL})
 * @param failurePolicy what to do when the message cannot be enqueued ({@code ENQUEUE_FAILURE_POLICY})
 * @param enqueueTimeoutCap the most time the enqueue may take, retries included ({@code ENQUEUE_TIMEOUT_MS})
 * @param safetyMargin time kept back from the invocation's remaining time ({@code ENQUEUE_SAFETY_MARGIN_MS})
 * @param aws region and endpoints of the SQS client
 */
public record TriggerConfig(
        String queueUrl,
        EnqueueFailurePolicy failurePolicy,
        Duration enqueueTimeoutCap,
        Duration safetyMargin,
        AwsSettings aws) {

    static TriggerConfig from(Settings settings) {
        return new TriggerConfig(
                settings.required(FunctionEnvironment.QUEUE_URL, "the URL of the SQS queue the provisioner reads"),
                settings.enumValue(
                        FunctionEnvironment.ENQUEUE_FAILURE_POLICY,
                        EnqueueFailurePolicy.class,
                        EnqueueFailurePolicy.FAIL_OPEN),
                settings.millis(FunctionEnvironment.ENQUEUE_TIMEOUT_MS, Duration.ofMillis(2000), Duration.ofMillis(50)),
                settings.millis(FunctionEnvironment.ENQUEUE_SAFETY_MARGIN_MS, Duration.ofMillis(500), Duration.ZERO),
                settings.aws());
    }
}
