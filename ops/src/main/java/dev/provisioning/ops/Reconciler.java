package dev.provisioning.ops;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Heals users who confirmed while the pipeline could not take them (a stale trigger permission, a
 * fail-open enqueue, an outage): every CONFIRMED user of the pool without an account item, and
 * without a dead-lettered message that already says why, is enqueued again with the key a trigger
 * would have used ({@code userPoolId#sub}), so a user provisioned meanwhile is not provisioned
 * twice. Sends are paced; a dry run only counts.
 */
public final class Reconciler {

    /** How a run went. */
    public record Result(int confirmed, int withAccount, int deadLettered, int enqueued) {

        public String line(boolean dryRun) {
            return String.format(
                    java.util.Locale.ROOT,
                    "reconcile%s confirmed=%d with_account=%d dead_lettered=%d %s=%d",
                    dryRun ? " (dry run)" : "",
                    confirmed,
                    withAccount,
                    deadLettered,
                    dryRun ? "would_enqueue" : "enqueued",
                    enqueued);
        }
    }

    private final CognitoIdentityProviderClient cognito;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final UserConfirmedCodec codec = UserConfirmedCodec.create();
    private final Clock clock;

    public Reconciler(CognitoIdentityProviderClient cognito, DynamoDbClient dynamoDb, SqsClient sqs, Clock clock) {
        this.cognito = cognito;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.clock = clock;
    }

    /**
     * @param deadLetteredSubs subs whose confirmation is on the dead-letter queue (left alone: the
     *     DLQ message says why, and a redrive is the way back)
     * @param perSecond the most messages to send per second
     */
    public Result reconcile(
            String poolId,
            String tableName,
            String queueUrl,
            Set<String> deadLetteredSubs,
            boolean dryRun,
            double perSecond,
            PrintStream progress) {
        List<UserType> confirmed = new ArrayList<>();
        cognito.listUsersPaginator(b -> b.userPoolId(poolId)).users().forEach(user -> {
            if (user.userStatus() == UserStatusType.CONFIRMED
                    || user.userStatus() == UserStatusType.EXTERNAL_PROVIDER) {
                confirmed.add(user);
            }
        });
        progress.printf("reconcile: %d confirmed users in %s%n", confirmed.size(), poolId);
        int withAccount = 0;
        int deadLettered = 0;
        int enqueued = 0;
        long pauseNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        for (int start = 0; start < confirmed.size(); start += 100) {
            List<UserType> chunk = confirmed.subList(start, Math.min(start + 100, confirmed.size()));
            Set<String> existing = existingAccounts(tableName, poolId, chunk);
            for (UserType user : chunk) {
                String sub = attribute(user, "sub");
                if (existing.contains(UserConfirmed.idempotencyKey(poolId, sub))) {
                    withAccount++;
                } else if (deadLetteredSubs.contains(sub)) {
                    deadLettered++;
                } else {
                    if (!dryRun) {
                        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(codec.encode(message(poolId, user))));
                        pace(pauseNanos);
                    }
                    enqueued++;
                }
            }
            progress.printf(
                    "  checked %d/%d, %s %d%n",
                    start + chunk.size(), confirmed.size(), dryRun ? "would enqueue" : "enqueued", enqueued);
        }
        return new Result(confirmed.size(), withAccount, deadLettered, enqueued);
    }

    private Set<String> existingAccounts(String tableName, String poolId, List<UserType> users) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (UserType user : users) {
            keys.add(Map.of(
                    "accountId", AttributeValue.fromS(UserConfirmed.idempotencyKey(poolId, attribute(user, "sub")))));
        }
        Set<String> found = new java.util.HashSet<>();
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(
                tableName,
                KeysAndAttributes.builder()
                        .keys(keys)
                        .projectionExpression("accountId")
                        .consistentRead(true)
                        .build());
        while (!request.isEmpty()) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            response.responses()
                    .getOrDefault(tableName, List.of())
                    .forEach(item -> found.add(item.get("accountId").s()));
            request = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
        }
        return found;
    }

    private UserConfirmed message(String poolId, UserType user) {
        String sub = attribute(user, "sub");
        String name = attribute(user, "name");
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                UserConfirmed.idempotencyKey(poolId, sub),
                poolId,
                user.username(),
                sub,
                attribute(user, "email"),
                "true".equalsIgnoreCase(attribute(user, "email_verified")),
                name == null ? "" : name,
                "Reconcile",
                clock.instant(),
                poolId.contains("_") ? poolId.substring(0, poolId.indexOf('_')) : null,
                null,
                Map.of());
    }

    private static String attribute(UserType user, String name) {
        for (AttributeType attribute : user.attributes()) {
            if (attribute.name().equals(name)) {
                return attribute.value();
            }
        }
        return null;
    }

    private static void pace(long pauseNanos) {
        if (pauseNanos > 0) {
            try {
                Thread.sleep(Duration.ofNanos(pauseNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while reconciling", e);
            }
        }
    }
}
