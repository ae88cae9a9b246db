package dev.provisioning.ops.trace;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.DeadLetterAttributes;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.ops.cli.Progress;
import dev.provisioning.ops.dlq.DeadLetterQueue;
import java.time.Clock;
import java.time.Duration;
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

/**
 * Looks one user up in Cognito, the accounts table and the DLQ; the clients belong to the caller.
 * A lookup that fails, or that stops at one of its limits, becomes a note, never a silent gap.
 */
final class UserTracer {

    /** The account record's fields that tell the provisioning story, in the order the steps happen. */
    static final List<String> STEP_FIELDS = List.of(
            AccountItem.KEY,
            AccountItem.CONFIRMED_AT,
            AccountItem.CREATED_AT,
            AccountItem.SOURCE_MESSAGE_ID,
            AccountItem.EMAIL_STATE,
            AccountItem.EMAIL_CLAIMED_AT,
            AccountItem.EMAIL_ATTEMPTS,
            AccountItem.EMAIL_TAKEOVERS,
            AccountItem.EMAIL_LAST_ERROR,
            AccountItem.EMAIL_SENT_AT,
            AccountItem.EMAIL_MESSAGE_ID,
            AccountItem.USER_SERVICE_STATE,
            AccountItem.USER_SERVICE_SYNCED_AT,
            AccountItem.UPDATED_AT);

    /** Pages of 60 users read by {@code --scan-users} in one pool before giving up (6,000 users). */
    static final int MAX_USER_PAGES = 100;
    /** DLQ messages looked at before giving up. */
    static final int MAX_DLQ_MESSAGES = 1000;
    // Long enough to read MAX_DLQ_MESSAGES (a scan stops at half of it), short enough not to matter.
    private static final Duration DLQ_HOLD = Duration.ofSeconds(60);

    private final CognitoIdentityProviderClient cognito;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;

    UserTracer(CognitoIdentityProviderClient cognito, DynamoDbClient dynamoDb, SqsClient sqs) {
        this.cognito = cognito;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
    }

    /** What could not be known, so that the verdict does not claim it. */
    record Gaps(boolean account, boolean cognito) {
        static final Gaps NONE = new Gaps(false, false);
    }

    Trace trace(TraceRequest options) {
        List<String> notes = new ArrayList<>();
        String sub = options.sub();
        Map<String, AttributeValue> item = null;
        boolean accountGap = false;
        if (options.table().isPresent()) {
            try {
                item = account(options.table().get(), sub, options.poolId().orElse(null), notes);
            } catch (SdkException e) {
                accountGap = true;
                notes.add("account record not read: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        } else {
            accountGap = true;
            notes.add("no --table (or TABLE_NAME): account record not looked up");
        }
        String knownPool = options.poolId()
                .orElse(
                        item != null && item.containsKey("userPoolId")
                                ? item.get("userPoolId").s()
                                : null);
        String pool = knownPool;
        Trace.CognitoUser user = null;
        boolean cognitoGap = false;
        try {
            FoundUser found = knownPool != null
                    ? findInPool(knownPool, sub, options.scanUsers(), notes)
                            .map(u -> new FoundUser(knownPool, u))
                            .orElse(null)
                    : findAnywhere(sub, options.scanUsers(), notes);
            if (found != null) {
                user = describe(found.user());
                pool = found.poolId();
            }
        } catch (SdkException e) {
            cognitoGap = true;
            notes.add("Cognito not reachable: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        List<Trace.DeadLetter> deadLetters = List.of();
        if (options.deadLetterQueueUrl().isPresent()) {
            deadLetters = peekDeadLetters(options.deadLetterQueueUrl().get(), sub, notes);
        } else {
            notes.add("no --dlq-url (or DLQ_URL): dead-letter queue not looked at");
        }
        Map<String, String> account = item == null ? null : steps(item);
        Trace.Verdict verdict =
                verdict(user, account, deadLetters, options.userService(), new Gaps(accountGap, cognitoGap));
        return new Trace(sub, pool, user, account, deadLetters, verdict, notes);
    }

    static Trace.Verdict verdict(Trace.CognitoUser user, Map<String, String> account, List<Trace.DeadLetter> dlq) {
        return verdict(user, account, dlq, false, Gaps.NONE);
    }

    /**
     * @param userService true when the deployment posts to a user service, so the account is only
     *     done once {@code userServiceState} is {@code SYNCED}
     */
    static Trace.Verdict verdict(
            Trace.CognitoUser user,
            Map<String, String> account,
            List<Trace.DeadLetter> dlq,
            boolean userService,
            Gaps gaps) {
        if (!dlq.isEmpty()) {
            return Trace.Verdict.DEAD_LETTERED;
        }
        if (account == null) {
            if (gaps.account() || (user == null && gaps.cognito())) {
                return Trace.Verdict.INCOMPLETE;
            }
            return user == null ? Trace.Verdict.UNKNOWN_USER : Trace.Verdict.NOT_PROVISIONED;
        }
        String email = account.getOrDefault(AccountItem.EMAIL_STATE, AccountItem.EmailState.PENDING.name());
        if (!email.equals(AccountItem.EmailState.SENT.name())
                && !email.equals(AccountItem.EmailState.NOT_APPLICABLE.name())
                && !email.equals(AccountItem.EmailState.REJECTED.name())) {
            return Trace.Verdict.EMAIL_PENDING;
        }
        // The provisioner syncs after the email, and writes userServiceState only once it succeeded.
        if (userService
                && !AccountItem.UserServiceState.SYNCED.name().equals(account.get(AccountItem.USER_SERVICE_STATE))) {
            return Trace.Verdict.USER_SERVICE_PENDING;
        }
        return Trace.Verdict.PROVISIONED;
    }

    private Map<String, AttributeValue> account(String table, String sub, String pool, List<String> notes) {
        if (pool != null) {
            Map<String, AttributeValue> item = dynamoDb.getItem(b -> b.tableName(table)
                            .consistentRead(true)
                            .key(Map.of(AccountItem.KEY, AttributeValue.fromS(AccountItem.key(pool, sub)))))
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

    /**
     * ListUsers filtered on {@code sub}; a page-by-page search only when asked ({@code --scan-users}):
     * on a large pool it costs a call per 60 users.
     */
    private Optional<UserType> findInPool(String pool, String sub, boolean scan, List<String> notes) {
        String filterFailure;
        try {
            ListUsersResponse filtered =
                    cognito.listUsers(b -> b.userPoolId(pool).filter("sub = \"" + sub.replace("\"", "") + "\""));
            Optional<UserType> match =
                    filtered.users().stream().filter(u -> sub.equals(subOf(u))).findFirst();
            if (match.isPresent() || !scan) {
                return match;
            }
            filterFailure = null;
        } catch (SdkException e) {
            // Some emulators cannot filter on sub.
            if (!scan) {
                notes.add("ListUsers filtered on sub failed in " + pool + " ("
                        + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + "); --scan-users searches the pool page by page");
                return Optional.empty();
            }
            filterFailure = e.getClass().getSimpleName();
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
        notes.add("--scan-users stopped after " + MAX_USER_PAGES + " pages (" + MAX_USER_PAGES * 60 + " users) of "
                + pool + (filterFailure == null ? "" : ", after the sub filter failed (" + filterFailure + ")")
                + ": the user may be further on");
        return Optional.empty();
    }

    private FoundUser findAnywhere(String sub, boolean scan, List<String> notes) {
        int searched = 0;
        for (UserPoolDescriptionType pool :
                cognito.listUserPoolsPaginator(b -> b.maxResults(60)).userPools()) {
            searched++;
            Optional<UserType> user = findInPool(pool.id(), sub, scan, notes);
            if (user.isPresent()) {
                return new FoundUser(pool.id(), user.get());
            }
        }
        notes.add("no --pool and no account record naming one: searched all " + searched + " user pools");
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

    /** A bounded read of the DLQ (see {@link DeadLetterQueue}): messages about this user, and notes on gaps. */
    private List<Trace.DeadLetter> peekDeadLetters(String queueUrl, String sub, List<String> notes) {
        DeadLetterQueue dlq = new DeadLetterQueue(sqs, queueUrl, Clock.systemUTC(), DLQ_HOLD);
        DeadLetterQueue.Read read = dlq.read(true, MAX_DLQ_MESSAGES, Progress.NONE);
        read.coverage().notes(dlq.hold()).forEach(note -> notes.add("dead-letter queue: " + note));
        return read.messages().stream()
                .filter(m -> m.body() != null && m.body().contains(sub))
                .map(m -> new Trace.DeadLetter(
                        m.messageId(),
                        attribute(m, DeadLetterAttributes.REASON),
                        attribute(m, DeadLetterAttributes.ERROR_CLASS),
                        attribute(m, DeadLetterAttributes.MESSAGE),
                        attribute(m, DeadLetterAttributes.FIRST_FAILED_AT),
                        attribute(m, DeadLetterAttributes.SOURCE_MESSAGE_ID)))
                .toList();
    }

    private static String attribute(Message message, String name) {
        MessageAttributeValue value = message.messageAttributes().get(name);
        return value == null ? null : value.stringValue();
    }
}
