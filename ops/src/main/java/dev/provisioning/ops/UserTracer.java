package dev.provisioning.ops;

import dev.provisioning.common.EmailAddresses;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolDescriptionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/** Looks one user up in Cognito, the accounts table and the DLQ; the clients belong to the caller. */
final class UserTracer {

    /** The account record's fields that tell the provisioning story, in the order the steps happen. */
    static final List<String> STEP_FIELDS = List.of(
            "accountId",
            "confirmedAt",
            "createdAt",
            "sourceMessageId",
            "emailState",
            "emailClaimedAt",
            "emailAttempts",
            "emailLastError",
            "emailSentAt",
            "emailMessageId",
            "updatedAt");

    private static final int MAX_USER_PAGES = 20;
    private static final int MAX_DLQ_ROUNDS = 20;

    private final CognitoIdentityProviderClient cognito;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;

    UserTracer(CognitoIdentityProviderClient cognito, DynamoDbClient dynamoDb, SqsClient sqs) {
        this.cognito = cognito;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
    }

    Trace trace(TraceCommand.Options options) {
        List<String> notes = new ArrayList<>();
        String sub = options.sub();
        Map<String, AttributeValue> item = null;
        if (options.table().isPresent()) {
            item = account(options.table().get(), sub, options.poolId().orElse(null), notes);
        } else {
            notes.add("no --table (or TABLE_NAME): account record not looked up");
        }
        String pool = options.poolId()
                .orElse(
                        item != null && item.containsKey("userPoolId")
                                ? item.get("userPoolId").s()
                                : null);
        Trace.CognitoUser user = null;
        try {
            FoundUser found = pool != null
                    ? findInPool(pool, sub).map(u -> new FoundUser(pool, u)).orElse(null)
                    : findAnywhere(sub);
            if (found != null) {
                user = describe(found.user());
                if (pool == null) {
                    return finish(sub, found.poolId(), user, item, options, notes);
                }
            }
        } catch (SdkException e) {
            notes.add("Cognito not reachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return finish(sub, pool, user, item, options, notes);
    }

    private Trace finish(
            String sub,
            String pool,
            Trace.CognitoUser user,
            Map<String, AttributeValue> item,
            TraceCommand.Options options,
            List<String> notes) {
        List<Trace.DeadLetter> deadLetters = List.of();
        if (options.deadLetterQueueUrl().isPresent()) {
            deadLetters = peekDeadLetters(options.deadLetterQueueUrl().get(), sub);
        } else {
            notes.add("no --dlq-url (or DLQ_URL): dead-letter queue not looked at");
        }
        Map<String, String> account = item == null ? null : steps(item);
        return new Trace(sub, pool, user, account, deadLetters, verdict(user, account, deadLetters), notes);
    }

    static Trace.Verdict verdict(Trace.CognitoUser user, Map<String, String> account, List<Trace.DeadLetter> dlq) {
        if (!dlq.isEmpty()) {
            return Trace.Verdict.DEAD_LETTERED;
        }
        if (account == null) {
            return user == null ? Trace.Verdict.UNKNOWN_USER : Trace.Verdict.NOT_PROVISIONED;
        }
        String email = account.getOrDefault("emailState", "PENDING");
        return email.equals("SENT") || email.equals("NOT_APPLICABLE")
                ? Trace.Verdict.PROVISIONED
                : Trace.Verdict.EMAIL_PENDING;
    }

    private Map<String, AttributeValue> account(String table, String sub, String pool, List<String> notes) {
        if (pool != null) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                            .consistentRead(true)
                            .key(Map.of("accountId", AttributeValue.fromS(pool + "#" + sub))))
                    .item();
            return item == null || item.isEmpty() ? null : item;
        }
        notes.add("no --pool: the account was found by scanning the table for cognitoSub");
        return dynamoDb
                .scanPaginator(b -> b.tableName(table)
                        .filterExpression("cognitoSub = :sub")
                        .expressionAttributeValues(Map.of(":sub", AttributeValue.fromS(sub))))
                .items()
                .stream()
                .findFirst()
                .orElse(null);
    }

    /** The step fields of the record, readable: epoch-millisecond claims become instants. */
    static Map<String, String> steps(Map<String, AttributeValue> item) {
        Map<String, String> steps = new LinkedHashMap<>();
        for (String field : STEP_FIELDS) {
            AttributeValue value = item.get(field);
            if (value == null) {
                continue;
            }
            String text = value.s() != null ? value.s() : value.n();
            if (field.equals("emailClaimedAt") && value.n() != null) {
                text = Instant.ofEpochMilli(Long.parseLong(value.n())).toString();
            }
            steps.put(field, text);
        }
        if (item.containsKey("email")) {
            steps.put(
                    "emailFingerprint",
                    EmailAddresses.fingerprint(item.get("email").s()));
        }
        return steps;
    }

    private Optional<UserType> findInPool(String pool, String sub) {
        try {
            ListUsersResponse filtered =
                    cognito.listUsers(b -> b.userPoolId(pool).filter("sub = \"" + sub.replace("\"", "") + "\""));
            Optional<UserType> match =
                    filtered.users().stream().filter(u -> sub.equals(subOf(u))).findFirst();
            if (match.isPresent()) {
                return match;
            }
        } catch (SdkException e) {
            // Some emulators do not filter on sub; look through the pages instead.
        }
        String token = null;
        for (int page = 0; page < MAX_USER_PAGES; page++) {
            String next = token;
            ListUsersResponse response =
                    cognito.listUsers(b -> b.userPoolId(pool).limit(60).paginationToken(next));
            Optional<UserType> match =
                    response.users().stream().filter(u -> sub.equals(subOf(u))).findFirst();
            if (match.isPresent() || response.paginationToken() == null) {
                return match;
            }
            token = response.paginationToken();
        }
        return Optional.empty();
    }

    private FoundUser findAnywhere(String sub) {
        for (UserPoolDescriptionType pool :
                cognito.listUserPools(b -> b.maxResults(60)).userPools()) {
            Optional<UserType> user = findInPool(pool.id(), sub);
            if (user.isPresent()) {
                return new FoundUser(pool.id(), user.get());
            }
        }
        return null;
    }

    private record FoundUser(String poolId, UserType user) {}

    private static String subOf(UserType user) {
        return user.attributes().stream()
                .filter(a -> a.name().equals("sub"))
                .map(AttributeType::value)
                .findFirst()
                .orElse(null);
    }

    private static Trace.CognitoUser describe(UserType user) {
        String name = user.username();
        return new Trace.CognitoUser(
                name != null && name.contains("@") ? EmailAddresses.fingerprint(name) : name,
                user.userStatusAsString(),
                Boolean.TRUE.equals(user.enabled()),
                String.valueOf(user.userCreateDate()),
                String.valueOf(user.userLastModifiedDate()));
    }

    /**
     * Receives every DLQ message under a short visibility timeout, keeps the ones about this user, and
     * makes every received message visible again at once: a peek, nothing is consumed.
     */
    private List<Trace.DeadLetter> peekDeadLetters(String queueUrl, String sub) {
        Map<String, Message> seen = new LinkedHashMap<>();
        try {
            for (int round = 0; round < MAX_DLQ_ROUNDS; round++) {
                int wait = round == 0 ? 1 : 0;
                List<Message> batch = sqs.receiveMessage(b -> b.queueUrl(queueUrl)
                                .maxNumberOfMessages(10)
                                .visibilityTimeout(30)
                                .waitTimeSeconds(wait)
                                .messageAttributeNames("All"))
                        .messages();
                int before = seen.size();
                batch.forEach(m -> seen.putIfAbsent(m.messageId(), m));
                if (batch.isEmpty() || seen.size() == before) {
                    break;
                }
            }
        } finally {
            for (Message message : seen.values()) {
                try {
                    sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl)
                            .receiptHandle(message.receiptHandle())
                            .visibilityTimeout(0));
                } catch (SdkException e) {
                    // It becomes visible again after 30 s anyway.
                }
            }
        }
        return seen.values().stream()
                .filter(m -> m.body() != null && m.body().contains(sub))
                .map(m -> new Trace.DeadLetter(
                        m.messageId(),
                        attribute(m, "failure.reason"),
                        attribute(m, "failure.class"),
                        attribute(m, "failure.message"),
                        attribute(m, "failure.firstFailedAt"),
                        attribute(m, "source.messageId")))
                .toList();
    }

    private static String attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }
}
