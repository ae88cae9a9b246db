package dev.provisioning.ops.reconcile;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

/** Which of a page of users already have an account: consistent BatchGetItem reads of the accounts table. */
final class ExistingAccounts {

    /** DynamoDB's limit on the keys of one BatchGetItem. */
    static final int BATCH_GET_MAX_KEYS = 100;
    /** Reads of one chunk's unprocessed keys before the run stops (the table keeps throttling). */
    static final int BATCH_GET_ATTEMPTS = 8;
    /** Unprocessed keys mean the table is throttling: wait 50 ms × 2^n with full jitter, up to 2 s, as AWS advises. */
    private static final Backoff BACKOFF = Backoff.fullJitter(Duration.ofMillis(50), Duration.ofSeconds(2));

    private final DynamoDbClient dynamoDb;
    private final Sleeper sleeper;

    ExistingAccounts(DynamoDbClient dynamoDb, Sleeper sleeper) {
        this.dynamoDb = dynamoDb;
        this.sleeper = sleeper;
    }

    /**
     * The account ids among these users' that exist. In chunks of {@link #BATCH_GET_MAX_KEYS}: a
     * ListUsers page is at most 60 users in AWS, but an emulator may return a whole pool at once.
     */
    Set<String> among(String tableName, String poolId, List<UserType> users) {
        Set<String> found = new HashSet<>();
        for (int from = 0; from < users.size(); from += BATCH_GET_MAX_KEYS) {
            found.addAll(
                    chunk(tableName, poolId, users.subList(from, Math.min(users.size(), from + BATCH_GET_MAX_KEYS))));
        }
        return found;
    }

    private Set<String> chunk(String tableName, String poolId, List<UserType> users) {
        Set<String> found = new HashSet<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (UserType user : users) {
            keys.add(Map.of(AccountItem.KEY, AttributeValue.fromS(AccountItem.key(poolId, CognitoUsers.sub(user)))));
        }
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(
                tableName,
                KeysAndAttributes.builder()
                        .keys(keys)
                        .projectionExpression(AccountItem.KEY)
                        .consistentRead(true)
                        .build());
        for (int attempt = 1; ; attempt++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            response.responses()
                    .getOrDefault(tableName, List.of())
                    .forEach(item -> found.add(item.get(AccountItem.KEY).s()));
            if (!response.hasUnprocessedKeys() || response.unprocessedKeys().isEmpty()) {
                return found;
            }
            request = response.unprocessedKeys();
            if (attempt >= BATCH_GET_ATTEMPTS) {
                int left =
                        request.values().stream().mapToInt(k -> k.keys().size()).sum();
                throw new IllegalStateException("BatchGetItem on " + tableName + " still left " + left
                        + " keys unprocessed after " + attempt + " attempts (the table is throttling)");
            }
            // Unprocessed keys mean the table is throttling: back off (capped, with jitter), as AWS advises.
            sleeper.pause(BACKOFF.delay(attempt));
        }
    }
}
