package dev.provisioning.local;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Heals what the trigger's fail-open policy leaves behind: confirmed users with no account and no
 * dead-letter message are enqueued again, with the same idempotency key a trigger would have used,
 * so a user who was in fact provisioned meanwhile is not provisioned twice.
 */
final class LocalReconciler {

    private LocalReconciler() {}

    /** Re-enqueues every confirmed user without an account; returns how many. */
    static int reconcile(
            LocalPipeline pipeline, List<PipelineReport.ConfirmedUser> users, java.util.Set<String> deadLetteredSubs) {
        UserConfirmedCodec codec = UserConfirmedCodec.create();
        String pool = pipeline.userPool().poolId();
        int enqueued = 0;
        for (PipelineReport.ConfirmedUser user : users) {
            if (deadLetteredSubs.contains(user.sub()) || hasAccount(pipeline, pool, user.sub())) {
                continue;
            }
            UserConfirmed message = new UserConfirmed(
                    UserConfirmed.SCHEMA_VERSION,
                    UUID.randomUUID().toString(),
                    UserConfirmed.idempotencyKey(pool, user.sub()),
                    pool,
                    user.sub(),
                    user.sub(),
                    user.email(),
                    user.email() != null,
                    user.name(),
                    "Reconcile",
                    Clock.systemUTC().instant(),
                    dev.provisioning.local.aws.LocalAws.REGION,
                    null,
                    Map.of());
            pipeline.aws().sqs().sendMessage(b -> b.queueUrl(
                            pipeline.resources().queueUrl())
                    .messageBody(codec.encode(message)));
            enqueued++;
        }
        return enqueued;
    }

    private static boolean hasAccount(LocalPipeline pipeline, String pool, String sub) {
        Map<String, AttributeValue> item = pipeline.aws()
                .dynamoDb()
                .getItem(b -> b.tableName(pipeline.resources().tableName())
                        .consistentRead(true)
                        .key(Map.of("accountId", AttributeValue.fromS(UserConfirmed.idempotencyKey(pool, sub)))))
                .item();
        return item != null && !item.isEmpty();
    }
}
