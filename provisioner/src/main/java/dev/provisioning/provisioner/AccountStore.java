package dev.provisioning.provisioner;

import dev.provisioning.common.AccountItem;
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

    /** The outcome of trying to claim the welcome email send. */
    sealed interface EmailClaim {
        /**
         * This worker may send. {@code takeover}: an earlier claim expired unconfirmed, so SES may
         * have sent already; {@code attempt} counts every claim, released ones included.
         */
        record Claimed(String token, boolean takeover, int attempt) implements EmailClaim {}

        record AlreadyDone(AccountItem.EmailState state) implements EmailClaim {}

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
        return createIfAbsent(message, now, message.hasEmail());
    }

    /**
     * Like {@link #createIfAbsent(UserConfirmed, Instant)}, with the welcome email decided by the caller: without
     * one, the email state is {@code NOT_APPLICABLE}, and {@code emailSkipped} says why when the user had an address.
     */
    Account createIfAbsent(UserConfirmed message, Instant now, boolean welcomeEmail) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(AccountItem.KEY, s(message.idempotencyKey()));
        item.put(AccountItem.COGNITO_SUB, s(message.sub()));
        item.put(AccountItem.USER_POOL_ID, s(message.userPoolId()));
        putIfPresent(item, "userName", message.userName());
        putIfPresent(item, "email", message.email());
        item.put("emailVerified", AttributeValue.fromBool(message.emailVerified()));
        item.put("fullName", s(message.name()));
        item.put("status", s("ACTIVE"));
        item.put("role", s("USER"));
        item.put("createdBy", s(message.sub()));
        item.put("updatedBy", s(message.sub()));
        item.put(AccountItem.CREATED_AT, s(now.toString()));
        item.put(AccountItem.UPDATED_AT, s(now.toString()));
        item.put(AccountItem.CONFIRMED_AT, s(message.confirmedAt().toString()));
        item.put(AccountItem.SOURCE_MESSAGE_ID, s(message.messageId()));
        item.put(
                AccountItem.EMAIL_STATE,
                s((welcomeEmail ? AccountItem.EmailState.PENDING : AccountItem.EmailState.NOT_APPLICABLE).name()));
        if (message.hasEmail() && !welcomeEmail) {
            item.put(AccountItem.EMAIL_SKIPPED, s("UNVERIFIED"));
        }
        try {
            dynamoDb.putItem(PutItemRequest.builder()
                    .tableName(tableName)
                    .item(item)
                    .conditionExpression("attribute_not_exists(#k)")
                    .expressionAttributeNames(Map.of("#k", AccountItem.KEY))
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                    .build());
            return new Account(item, true);
        } catch (ConditionalCheckFailedException e) {
            return new Account(e.hasItem() ? e.item() : item, false);
        }
    }

    /**
     * Claims the right to send the welcome email: a pending send is claimed at once; a claim older
     * than {@code lease} is taken over (the only way to a second email, counted in {@code
     * emailTakeovers}); a younger one is {@link EmailClaim.Busy}.
     */
    EmailClaim claimEmail(String accountId, Instant now, Duration lease) {
        Map<String, AttributeValue> current;
        try {
            return claim(
                    accountId,
                    now,
                    "emailState = :pending",
                    Map.of(":pending", s(AccountItem.EmailState.PENDING.name())),
                    "");
        } catch (ConditionalCheckFailedException e) {
            current = e.hasItem() ? e.item() : Map.of();
        }
        AccountItem.EmailState state = current.containsKey(AccountItem.EMAIL_STATE)
                ? AccountItem.EmailState.valueOf(
                        current.get(AccountItem.EMAIL_STATE).s())
                : AccountItem.EmailState.PENDING;
        if (state == AccountItem.EmailState.PENDING) {
            // The item vanished or changed between reads; let the retry look again.
            return new EmailClaim.Busy(Duration.ZERO);
        }
        if (state != AccountItem.EmailState.SENDING) {
            return new EmailClaim.AlreadyDone(state);
        }
        long claimedAt =
                Long.parseLong(current.get(AccountItem.EMAIL_CLAIMED_AT).n());
        Duration remaining = Duration.ofMillis(claimedAt + lease.toMillis() - now.toEpochMilli());
        if (remaining.isPositive()) {
            return new EmailClaim.Busy(remaining);
        }
        try {
            // Fenced by the expired claim's token: of two workers taking over at once, one wins.
            return claim(
                    accountId,
                    now,
                    "emailState = :sending AND emailClaimToken = :expiredToken",
                    Map.of(
                            ":sending", s(AccountItem.EmailState.SENDING.name()),
                            ":expiredToken", current.get("emailClaimToken")),
                    ", emailTakeovers = if_not_exists(emailTakeovers, :zero) + :one");
        } catch (ConditionalCheckFailedException e) {
            return new EmailClaim.Busy(Duration.ZERO);
        }
    }

    private EmailClaim.Claimed claim(
            String accountId, Instant now, String condition, Map<String, AttributeValue> values, String alsoSet) {
        String token = UUID.randomUUID().toString();
        Map<String, AttributeValue> all = new HashMap<>(values);
        all.put(":sending", s(AccountItem.EmailState.SENDING.name()));
        all.put(":token", s(token));
        all.put(":now", n(now.toEpochMilli()));
        all.put(":zero", n(0));
        all.put(":one", n(1));
        UpdateItemResponse response = dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(tableName)
                .key(Map.of(AccountItem.KEY, s(accountId)))
                .updateExpression("SET emailState = :sending, emailClaimToken = :token, emailClaimedAt = :now,"
                        + " emailAttempts = if_not_exists(emailAttempts, :zero) + :one" + alsoSet)
                .conditionExpression(condition)
                .expressionAttributeValues(all)
                .returnValues(ReturnValue.UPDATED_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build());
        return new EmailClaim.Claimed(
                token, !alsoSet.isEmpty(), number(response.attributes(), AccountItem.EMAIL_ATTEMPTS));
    }

    /**
     * Records a confirmed send; fenced by the claim token so a stale worker cannot overwrite. Safe to
     * repeat: a repeat after a write whose answer was lost finds the same SES message id recorded.
     *
     * @return false when another attempt took the claim over
     */
    boolean markEmailSent(String accountId, String token, String sesMessageId, Instant now) {
        return fencedUpdate(
                accountId,
                "emailClaimToken = :token OR (emailState = :sent AND emailMessageId = :mid)",
                "SET emailState = :sent, emailMessageId = :mid, emailSentAt = :now, updatedAt = :now"
                        + " REMOVE emailClaimToken",
                Map.of(
                        ":token", s(token),
                        ":sent", s(AccountItem.EmailState.SENT.name()),
                        ":mid", s(sesMessageId),
                        ":now", s(now.toString())));
    }

    /**
     * Gives the welcome email up after SES refused it for its recipient: {@code REJECTED} with SES's reason, the claim
     * released; fenced by the claim token like {@link #markEmailSent}.
     *
     * @return false when another attempt took the claim over
     */
    boolean markEmailRejected(String accountId, String token, String reason, Instant now) {
        return fencedUpdate(
                accountId,
                "emailClaimToken = :token",
                "SET emailState = :rejected, " + AccountItem.EMAIL_REJECTED + " = :reason, emailRejectedAt = :now,"
                        + " updatedAt = :now REMOVE emailClaimToken",
                Map.of(
                        ":token", s(token),
                        ":rejected", s(AccountItem.EmailState.REJECTED.name()),
                        ":reason", s(reason),
                        ":now", s(now.toString())));
    }

    /** Records that the user service has the user; idempotent. */
    void markUserServiceSynced(String accountId, Instant now) {
        dynamoDb.updateItem(UpdateItemRequest.builder()
                .tableName(tableName)
                .key(Map.of(AccountItem.KEY, s(accountId)))
                .updateExpression("SET userServiceState = :synced, userServiceSyncedAt = :now")
                .conditionExpression("attribute_exists(#k)")
                .expressionAttributeNames(Map.of("#k", AccountItem.KEY))
                .expressionAttributeValues(
                        Map.of(":synced", s(AccountItem.UserServiceState.SYNCED.name()), ":now", s(now.toString())))
                .build());
    }

    /** Gives a claim back after a failed send, so the next attempt need not wait for the lease. */
    boolean releaseEmailClaim(String accountId, String token, String error) {
        return fencedUpdate(
                accountId,
                "emailClaimToken = :token",
                "SET emailState = :pending, emailLastError = :error REMOVE emailClaimToken",
                Map.of(":token", s(token), ":pending", s(AccountItem.EmailState.PENDING.name()), ":error", s(error)));
    }

    private boolean fencedUpdate(
            String accountId, String condition, String update, Map<String, AttributeValue> values) {
        try {
            dynamoDb.updateItem(UpdateItemRequest.builder()
                    .tableName(tableName)
                    .key(Map.of(AccountItem.KEY, s(accountId)))
                    .updateExpression(update)
                    .conditionExpression(condition)
                    .expressionAttributeValues(values)
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

    private static int number(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? 0 : Integer.parseInt(value.n());
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
            return item.get(AccountItem.KEY).s();
        }

        AccountItem.UserServiceState userServiceState() {
            AttributeValue state = item.get(AccountItem.USER_SERVICE_STATE);
            return state == null
                    ? AccountItem.UserServiceState.PENDING
                    : AccountItem.UserServiceState.valueOf(state.s());
        }

        AccountItem.EmailState emailState() {
            AttributeValue state = item.get(AccountItem.EMAIL_STATE);
            return state == null ? AccountItem.EmailState.PENDING : AccountItem.EmailState.valueOf(state.s());
        }
    }
}
