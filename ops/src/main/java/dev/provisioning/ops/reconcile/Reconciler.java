package dev.provisioning.ops.reconcile;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedProducer;
import dev.provisioning.common.UserConfirmedWriter;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Heals users who confirmed while the pipeline could not take them (a stale trigger permission, a
 * fail-open enqueue, an outage): every user the trigger would have enqueued, without an account item and
 * without a dead-lettered message that already says why, is enqueued again, built by the same {@link
 * UserConfirmedProducer} as the trigger's (so with the key it would have used, {@code userPoolId#sub}, and a user
 * provisioned meanwhile is not provisioned twice). The clients belong to the caller. Sends are paced; a dry run only
 * counts.
 *
 * <p>The users the trigger would have enqueued are those in {@link #OWED_STATUSES}: {@code CONFIRMED} (confirmed a
 * sign-up), {@code EXTERNAL_PROVIDER} (PostConfirmation fires on a federated user's first sign-in) and {@code
 * RESET_REQUIRED} (confirmed, then had the password reset). {@code UNCONFIRMED} users never confirmed, and {@code
 * FORCE_CHANGE_PASSWORD} users were created by an administrator, for whom Cognito sends no PostConfirmation. The
 * pool is read one ListUsers page at a time per status and each page is settled before the next is read, so a run
 * that stops part-way has counts.
 */
public final class Reconciler {

    /** The statuses of users the trigger would have enqueued. */
    static final List<UserStatusType> OWED_STATUSES =
            List.of(UserStatusType.CONFIRMED, UserStatusType.EXTERNAL_PROVIDER, UserStatusType.RESET_REQUIRED);

    static final int BATCH_GET_ATTEMPTS = 8;

    /** What the trigger sets on every message too (see UserConfirmed.SCHEMA_VERSION_ATTRIBUTE). */
    private static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(
            UserConfirmed.SCHEMA_VERSION_ATTRIBUTE,
            MessageAttributeValue.builder()
                    .dataType("Number")
                    .stringValue(Integer.toString(UserConfirmed.SCHEMA_VERSION))
                    .build());

    /** DynamoDB's limit on the keys of one BatchGetItem. */
    static final int BATCH_GET_MAX_KEYS = 100;
    // A queue that refuses this many sends in a row refuses the rest too; stop and report.
    private static final int MAX_FAILURES_IN_A_ROW = 10;
    private static final Duration BACKOFF_BASE = Duration.ofMillis(50);
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(2);

    /**
     * How a run went.
     *
     * @param failed users whose send failed (not enqueued; run again)
     * @param error why the run stopped before the end of the pool, if it did
     */
    public record Result(
            int confirmed, int withAccount, int deadLettered, int enqueued, int failed, Optional<String> error) {

        public String line(boolean dryRun) {
            return String.format(
                    Locale.ROOT,
                    "reconcile%s confirmed=%d with_account=%d dead_lettered=%d %s=%d failed=%d complete=%s",
                    dryRun ? " (dry run)" : "",
                    confirmed,
                    withAccount,
                    deadLettered,
                    dryRun ? "would_enqueue" : "enqueued",
                    enqueued,
                    failed,
                    error.isEmpty());
        }

        public boolean ok() {
            return failed == 0 && error.isEmpty();
        }
    }

    /** Waits; a seam so tests check pacing and backoff without waiting. */
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final CognitoIdentityProviderClient cognito;
    private final DynamoDbClient dynamoDb;
    private final SqsClient sqs;
    private final Clock clock;
    private final Sleeper sleeper;
    private final LongSupplier nanoTime;

    public Reconciler(CognitoIdentityProviderClient cognito, DynamoDbClient dynamoDb, SqsClient sqs, Clock clock) {
        this(cognito, dynamoDb, sqs, clock, Thread::sleep, System::nanoTime);
    }

    Reconciler(
            CognitoIdentityProviderClient cognito,
            DynamoDbClient dynamoDb,
            SqsClient sqs,
            Clock clock,
            Sleeper sleeper,
            LongSupplier nanoTime) {
        this.cognito = cognito;
        this.dynamoDb = dynamoDb;
        this.sqs = sqs;
        this.clock = clock;
        this.sleeper = sleeper;
        this.nanoTime = nanoTime;
    }

    /**
     * @param deadLetteredSubs subs whose confirmation is on the dead-letter queue (left alone: the
     *     DLQ message says why, and a redrive is the way back)
     * @param perSecond the most messages to send per second; 0 for no limit
     * @param progress where a line per ListUsers page goes (stderr)
     */
    public Result reconcile(
            String poolId,
            String tableName,
            String queueUrl,
            Set<String> deadLetteredSubs,
            boolean dryRun,
            double perSecond,
            PrintStream progress) {
        Run run = new Run(poolId, tableName, queueUrl, deadLetteredSubs, dryRun, new Pacer(perSecond), progress);
        try {
            run.all();
        } catch (SdkException | IllegalStateException e) {
            run.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        return new Result(
                run.confirmed,
                run.withAccount,
                run.deadLettered,
                run.enqueued,
                run.failed,
                Optional.ofNullable(run.error));
    }

    /** One reconcile run: its inputs and counters. */
    private final class Run {
        private final String poolId;
        private final String tableName;
        private final String queueUrl;
        private final Set<String> deadLetteredSubs;
        private final boolean dryRun;
        private final Pacer pacer;
        private final PrintStream progress;
        private int listed;
        private int confirmed;
        private int withAccount;
        private int deadLettered;
        private int enqueued;
        private int failed;
        private int failedInARow;
        private String error;

        Run(
                String poolId,
                String tableName,
                String queueUrl,
                Set<String> deadLetteredSubs,
                boolean dryRun,
                Pacer pacer,
                PrintStream progress) {
            this.poolId = poolId;
            this.tableName = tableName;
            this.queueUrl = queueUrl;
            this.deadLetteredSubs = deadLetteredSubs;
            this.dryRun = dryRun;
            this.pacer = pacer;
            this.progress = progress;
        }

        void all() {
            for (UserStatusType status : OWED_STATUSES) {
                if (!listAll(status) || error != null) {
                    return;
                }
            }
        }

        /**
         * Lists and settles the users of one status; returns false when ListUsers rejected the status filter, after
         * listing the whole pool unfiltered and keeping every owed status (so the other statuses are done too).
         */
        private boolean listAll(UserStatusType status) {
            String filter = statusFilter(status);
            String token = null;
            int page = 0;
            while (true) {
                ListUsersResponse response;
                try {
                    response = page(token, filter);
                } catch (InvalidParameterException e) {
                    if (filter == null || page > 0) {
                        throw e;
                    }
                    // An emulator without status filters: list everyone once, keep the owed statuses below.
                    progress.println("reconcile: ListUsers rejected the filter " + filter + " (" + e.getMessage()
                            + "); listing every user and keeping the statuses " + OWED_STATUSES);
                    filter = null;
                    continue;
                }
                page++;
                listed += response.users().size();
                boolean unfiltered = filter == null;
                settle(response.users().stream()
                        // Also when filtered: an emulator may ignore a filter it does not know.
                        .filter(user ->
                                unfiltered ? OWED_STATUSES.contains(user.userStatus()) : user.userStatus() == status)
                        .filter(user -> attribute(user, "sub") != null)
                        .toList());
                progress.printf(
                        Locale.ROOT,
                        "  %s page %d: listed %d, owed %d: with account %d, dead-lettered %d, %s %d, failed %d%n",
                        filter == null ? "unfiltered" : status,
                        page,
                        listed,
                        confirmed,
                        withAccount,
                        deadLettered,
                        dryRun ? "would enqueue" : "enqueued",
                        enqueued,
                        failed);
                token = response.paginationToken();
                if (token == null || token.isEmpty() || error != null) {
                    return filter != null;
                }
            }
        }

        private ListUsersResponse page(String token, String filter) {
            return cognito.listUsers(b -> {
                b.userPoolId(poolId).limit(60).paginationToken(token);
                if (filter != null) {
                    b.filter(filter);
                }
            });
        }

        private void settle(List<UserType> users) {
            confirmed += users.size();
            Set<String> existing = existingAccounts(tableName, poolId, users);
            for (UserType user : users) {
                String sub = attribute(user, "sub");
                if (existing.contains(UserConfirmed.idempotencyKey(poolId, sub))) {
                    withAccount++;
                } else if (deadLetteredSubs.contains(sub)) {
                    deadLettered++;
                } else if (dryRun) {
                    enqueued++;
                } else if (error == null) {
                    send(user, sub);
                }
            }
        }

        private void send(UserType user, String sub) {
            pacer.acquire();
            try {
                UserConfirmed message = message(poolId, user);
                sqs.sendMessage(b -> b.queueUrl(queueUrl)
                        .messageBody(UserConfirmedWriter.write(message))
                        .messageAttributes(ATTRIBUTES));
                enqueued++;
                failedInARow = 0;
            } catch (SdkException e) {
                failed++;
                failedInARow++;
                progress.printf(
                        "reconcile: sub %s: send failed: %s: %s%n",
                        sub, e.getClass().getSimpleName(), e.getMessage());
                if (failedInARow >= MAX_FAILURES_IN_A_ROW) {
                    error = failedInARow + " sends in a row failed, stopped; last: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
        }
    }

    /**
     * The account ids among these users' that exist. In chunks of {@link #BATCH_GET_MAX_KEYS}: a
     * ListUsers page is at most 60 users in AWS, but an emulator may return a whole pool at once.
     */
    private Set<String> existingAccounts(String tableName, String poolId, List<UserType> users) {
        Set<String> found = new HashSet<>();
        for (int from = 0; from < users.size(); from += BATCH_GET_MAX_KEYS) {
            found.addAll(existingAccountsOf(
                    tableName, poolId, users.subList(from, Math.min(users.size(), from + BATCH_GET_MAX_KEYS))));
        }
        return found;
    }

    private Set<String> existingAccountsOf(String tableName, String poolId, List<UserType> users) {
        Set<String> found = new HashSet<>();
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        for (UserType user : users) {
            keys.add(Map.of(
                    "accountId", AttributeValue.fromS(UserConfirmed.idempotencyKey(poolId, attribute(user, "sub")))));
        }
        Map<String, KeysAndAttributes> request = new HashMap<>();
        request.put(
                tableName,
                KeysAndAttributes.builder()
                        .keys(keys)
                        .projectionExpression("accountId")
                        .consistentRead(true)
                        .build());
        for (int attempt = 1; ; attempt++) {
            Map<String, KeysAndAttributes> pending = request;
            BatchGetItemResponse response = dynamoDb.batchGetItem(b -> b.requestItems(pending));
            response.responses()
                    .getOrDefault(tableName, List.of())
                    .forEach(item -> found.add(item.get("accountId").s()));
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
            sleep(backoff(attempt));
        }
    }

    /** Full jitter: a random wait up to base × 2^(attempt-1), capped. */
    static Duration backoff(int attempt) {
        long ceiling = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << Math.min(attempt - 1, 16));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling / 2, ceiling + 1));
    }

    /**
     * Spaces sends {@code 1/perSecond} apart from the start of one send to the next, so a slow send
     * does not also earn a full pause.
     */
    private final class Pacer {
        private final long intervalNanos;
        private long next = Long.MIN_VALUE;

        Pacer(double perSecond) {
            this.intervalNanos = perSecond > 0 ? (long) (1e9 / perSecond) : 0;
        }

        void acquire() {
            if (intervalNanos == 0) {
                return;
            }
            long now = nanoTime.getAsLong();
            long start = next == Long.MIN_VALUE ? now : Math.max(next, now);
            if (start > now) {
                sleep(Duration.ofNanos(start - now));
            }
            next = start + intervalNanos;
        }
    }

    private void sleep(Duration duration) {
        try {
            sleeper.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reconciling", e);
        }
    }

    /** The ListUsers filter for one status. */
    static String statusFilter(UserStatusType status) {
        return "cognito:user_status = \"" + status + "\"";
    }

    /** The message the trigger would have sent for this user, from the same producer. */
    UserConfirmed message(String poolId, UserType user) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (AttributeType attribute : user.attributes()) {
            attributes.putIfAbsent(attribute.name(), attribute.value());
        }
        UserConfirmedProducer.CognitoUser cognitoUser = new UserConfirmedProducer.CognitoUser(
                poolId,
                user.username(),
                UserConfirmedProducer.regionOf(poolId),
                UserConfirmedProducer.RECONCILE_SOURCE,
                null,
                attributes,
                Map.of());
        return UserConfirmedProducer.produce(cognitoUser, UUID.randomUUID().toString(), confirmedAt(user))
                .orElseThrow(() -> new IllegalStateException("a listed user without a sub reached the producer"))
                .message();
    }

    /**
     * When the user confirmed, as near as Cognito tells: its last modification (confirming is one;
     * a later attribute change moves it later, so the provisioning latency metric can only
     * under-state the delay), else its creation; never the reconcile time, which would hide the delay.
     */
    Instant confirmedAt(UserType user) {
        if (user.userLastModifiedDate() != null) {
            return user.userLastModifiedDate();
        }
        return user.userCreateDate() != null ? user.userCreateDate() : clock.instant();
    }

    private static String attribute(UserType user, String name) {
        for (AttributeType attribute : user.attributes()) {
            if (attribute.name().equals(name)) {
                return attribute.value();
            }
        }
        return null;
    }
}
