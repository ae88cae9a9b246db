package dev.provisioning.provisioner;

import dev.provisioning.common.UserConfirmed;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * The accounts table: one item per {@code userPoolId#sub}, carrying the account (the seed's
 * user-service fields) and the state of each provisioning step. Every write is conditional, so
 * concurrent or repeated deliveries of one confirmation cannot create two accounts or two sends.
 */
final class AccountStore {

    static final String KEY = "accountId";

    /** States of the welcome email step. */
    enum EmailState {
        /** Not sent and not claimed. */
        PENDING,
        /** Claimed by a worker that has not yet confirmed the send. */
        SENDING,
        SENT,
        /** The user has no email address. */
        NOT_APPLICABLE
    }

    /** States of the optional user-service step. */
    enum UserServiceState {
        PENDING,
        SYNCED
    }

    /** The outcome of trying to claim the welcome email send. */
    sealed interface EmailClaim {
        /** This worker may send; {@code attempt > 1} means an earlier claim expired unconfirmed. */
        record Claimed(String token, int attempt) implements EmailClaim {}

        record AlreadyDone(EmailState state) implements EmailClaim {}

        /** Another worker holds an unexpired claim. */
        record Busy(Duration remaining) implements EmailClaim {}
    }

    private final DynamoDbClient dynamoDb;
    private final String tableName;

    AccountStore(DynamoDbClient dynamoDb, String tableName) {
        this.dynamoDb = dynamoDb;
        this.tableName = tableName;
    }

    /**
     * Creates the account unless it exists.
     *
     * @return the stored item, and whether this call created it
     */
    Account createIfAbsent(UserConfirmed message, Instant now) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(KEY, s(message.idempotencyKey()));
        item.put("cognitoSub", s(message.sub()));
        item.put("userPoolId", s(message.userPoolId()));
        putIfPresent(item, "userName", message.userName());
        putIfPresent(item, "email", message.email());
        item.put("emailVerified", AttributeValue.fromBool(message.emailVerified()));
        item.put("fullName", s(message.name()));
        item.put("status", s("ACTIVE"));
        item.put("role", s("USER"));
        item.put("createdBy", s(message.sub()));
        item.put("updatedBy", s(message.sub()));
        item.put("createdAt", s(now.toString()));
        item.put("updatedAt", s(now.toString()));
        item.put("confirmedAt", s(message.confirmedAt().toString()));
        item.put("sourceMessageId", s(message.messageId()));
        item.put("emailState", s((message.hasEmail() ? EmailState.PENDING : EmailState.NOT_APPLICABLE).name()));
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", KEY))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new Account(item, true);
        } catch (ConditionalCheckFailedException e) {
            return new Account(e.hasItem() ? e.item() : item, false);
        }
    }

    /** Claims the right to send the welcome email, taking over a claim older than {@code lease}. */
    EmailClaim claimEmail(String accountId, Instant now, Duration lease) {
        String token = UUID.randomUUID().toString();
        try {
            UpdateItemResponse response = dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(KEY, s(accountId)))
                    .updateExpression("SET emailState = :sending, emailClaimToken = :token, emailClaimedAt = :now,"
                            + " emailAttempts = if_not_exists(emailAttempts, :zero) + :one")
                    .conditionExpression(
                            "emailState = :pending OR (emailState = :sending AND emailClaimedAt < :expired)")
                    .expressionAttributeValues(Map.of(
                            ":sending", s(EmailState.SENDING.name()),
                            ":pending", s(EmailState.PENDING.name()),
                            ":token", s(token),
                            ":now", n(now.toEpochMilli()),
                            ":expired", n(now.minus(lease).toEpochMilli()),
                            ":zero", n(0),
                            ":one", n(1)))
                    .returnValues(ReturnValue.UPDATED_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new EmailClaim.Claimed(
                    token,
                    Integer.parseInt(response.attributes().get("emailAttempts").n()));
        } catch (ConditionalCheckFailedException e) {
            Map<String, AttributeValue> old = e.hasItem() ? e.item() : Map.of();
            EmailState state = old.containsKey("emailState")
                    ? EmailState.valueOf(old.get("emailState").s())
                    : EmailState.PENDING;
            if (state == EmailState.SENDING) {
                long claimedAt = Long.parseLong(old.get("emailClaimedAt").n());
                Duration remaining = Duration.ofMillis(claimedAt + lease.toMillis() - now.toEpochMilli());
                return new EmailClaim.Busy(remaining.isNegative() ? Duration.ZERO : remaining);
            }
            if (state == EmailState.PENDING) {
                // The item vanished or changed between reads; let the retry look again.
                return new EmailClaim.Busy(Duration.ZERO);
            }
            return new EmailClaim.AlreadyDone(state);
        }
    }

    /** Records a confirmed send; fenced by the claim token so a stale worker cannot overwrite. */
    boolean markEmailSent(String accountId, String token, String sesMessageId, Instant now) {
        return fencedUpdate(
                accountId,
                token,
                "SET emailState = :sent, emailMessageId = :mid, emailSentAt = :now, updatedAt = :now"
                        + " REMOVE emailClaimToken",
                Map.of(":sent", s(EmailState.SENT.name()), ":mid", s(sesMessageId), ":now", s(now.toString())));
    }

    /** Records that the user service has the user; idempotent. */
    void markUserServiceSynced(String accountId, Instant now) {
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(tableName)
                .key(Map.of(KEY, s(accountId)))
                .updateExpression("SET userServiceState = :synced, userServiceSyncedAt = :now")
                .conditionExpression("attribute_exists(#k)")
                .expressionAttributeNames(Map.of("#k", KEY))
                .expressionAttributeValues(
                        Map.of(":synced", s(UserServiceState.SYNCED.name()), ":now", s(now.toString())))
                .build());
    }

    /** Gives a claim back after a failed send, so the next attempt need not wait for the lease. */
    boolean releaseEmailClaim(String accountId, String token, String error) {
        return fencedUpdate(
                accountId,
                token,
                "SET emailState = :pending, emailLastError = :error REMOVE emailClaimToken",
                Map.of(":pending", s(EmailState.PENDING.name()), ":error", s(error)));
    }

    private boolean fencedUpdate(String accountId, String token, String update, Map<String, AttributeValue> values) {
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":token", s(token));
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(KEY, s(accountId)))
                    .updateExpression(update)
                    .conditionExpression("emailClaimToken = :token")
                    .expressionAttributeValues(all)
                    .build());
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null && !value.isEmpty()) {
            item.put(name, s(value));
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    /** A stored account item. */
    record Account(Map<String, AttributeValue> item, boolean created) {

        String accountId() {
            return item.get(KEY).s();
        }

        UserServiceState userServiceState() {
            AttributeValue state = item.get("userServiceState");
            return state == null ? UserServiceState.PENDING : UserServiceState.valueOf(state.s());
        }

        EmailState emailState() {
            AttributeValue state = item.get("emailState");
            return state == null ? EmailState.PENDING : EmailState.valueOf(state.s());
        }
    }
}
