package dev.provisioning.ops.reconcile;

import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedProducer;
import dev.provisioning.common.UserConfirmedWriter;
import dev.provisioning.ops.cli.Progress;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
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

    /** What the trigger sets on every message too (see UserConfirmed.SCHEMA_VERSION_ATTRIBUTE). */
    private static final Map<String, MessageAttributeValue> ATTRIBUTES = Map.of(
            UserConfirmed.SCHEMA_VERSION_ATTRIBUTE,
            MessageAttributeValue.builder()
                    .dataType("Number")
                    .stringValue(Integer.toString(UserConfirmed.SCHEMA_VERSION))
                    .build());

    // A queue that refuses this many sends in a row refuses the rest too; stop and report.
    private static final int MAX_FAILURES_IN_A_ROW = 10;

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
            Progress progress) {
        Run run = new Run(
                poolId,
                tableName,
                queueUrl,
                deadLetteredSubs,
                dryRun,
                new Pacer(perSecond, sleeper, nanoTime),
                progress);
        try {
            run.all();
        } catch (SdkException | IllegalStateException e) {
            run.error = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            progress.done();
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
        private final Progress progress;
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
                Progress progress) {
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
                    progress.note("reconcile: ListUsers rejected the filter " + filter + " (" + e.getMessage()
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
                        .filter(user -> CognitoUsers.sub(user) != null)
                        .toList());
                progress.update(
                        listed,
                        -1,
                        String.format(
                                Locale.ROOT,
                                "  %s page %d: listed %d, owed %d: with account %d, dead-lettered %d, %s %d, failed %d",
                                filter == null ? "unfiltered" : status,
                                page,
                                listed,
                                confirmed,
                                withAccount,
                                deadLettered,
                                dryRun ? "would enqueue" : "enqueued",
                                enqueued,
                                failed));
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
            Set<String> existing = new ExistingAccounts(dynamoDb, sleeper).among(tableName, poolId, users);
            for (UserType user : users) {
                String sub = CognitoUsers.sub(user);
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
                progress.note(String.format(
                        Locale.ROOT,
                        "reconcile: sub %s: send failed: %s: %s",
                        sub,
                        e.getClass().getSimpleName(),
                        e.getMessage()));
                if (failedInARow >= MAX_FAILURES_IN_A_ROW) {
                    error = failedInARow + " sends in a row failed, stopped; last: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage();
                }
            }
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
}
