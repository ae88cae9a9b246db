package dev.provisioning.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.ops.MotoTestServer;
import dev.provisioning.ops.OpsCli;
import dev.provisioning.ops.cli.Progress;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersRequest;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The reconciler against moto's Cognito, DynamoDB and SQS: several ListUsers pages, CONFIRMED users
 * only, accounts and dead letters left alone, UnprocessedKeys retried with backoff, pacing, and a
 * run that stops part-way still reporting its counts.
 */
class ReconcilerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** More than two ListUsers pages of 60. */
    private static final int CONFIRMED = 130;

    private static MotoTestServer moto;
    private static Settings settings;
    private static AwsClientFactory factory;
    private static CognitoIdentityProviderClient cognito;
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static String poolId;
    private static String table;
    /** Subs of the confirmed users, and which of them have an account or a dead letter. */
    private static final List<String> confirmedSubs = new ArrayList<>();

    private static final Set<String> withAccount = new HashSet<>();
    private static final Set<String> deadLettered = new HashSet<>();
    private static final Set<String> notConfirmedSubs = new HashSet<>();

    private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
    private final Progress progress = Progress.lines(new PrintStream(progressBytes, true, StandardCharsets.UTF_8));

    @BeforeAll
    static void createPool() throws Exception {
        moto = MotoTestServer.start();
        settings = moto.settings();
        factory = moto.clientFactory();
        cognito = factory.build(CognitoIdentityProviderClient.builder(), "COGNITO_IDENTITY_PROVIDER");
        dynamoDb = factory.build(DynamoDbClient.builder(), "DYNAMODB");
        sqs = factory.build(SqsClient.builder(), "SQS");
        poolId = cognito.createUserPool(b -> b.poolName("reconcile-" + UUID.randomUUID()))
                .userPool()
                .id();
        table = "accounts-" + UUID.randomUUID().toString().substring(0, 8);
        dynamoDb.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("accountId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("accountId").attributeType(ScalarAttributeType.S)));
        for (int i = 0; i < CONFIRMED; i++) {
            String sub = createUser("confirmed-" + i, true);
            confirmedSubs.add(sub);
            if (i % 3 == 0) {
                withAccount.add(sub);
                dynamoDb.putItem(
                        b -> b.tableName(table).item(Map.of("accountId", AttributeValue.fromS(poolId + "#" + sub))));
            } else if (i % 10 == 1) {
                deadLettered.add(sub);
            }
        }
        // Created by an admin and never signed in: FORCE_CHANGE_PASSWORD, not confirmed. moto cannot
        // create EXTERNAL_PROVIDER users; the status filter and check exclude them the same way.
        for (int i = 0; i < 7; i++) {
            notConfirmedSubs.add(createUser("invited-" + i, false));
        }
    }

    @AfterAll
    static void stopMoto() {
        MotoTestServer.closeAll(cognito, dynamoDb, sqs, factory, moto);
    }

    @Test
    void reconcile_whenPoolSpansSeveralPages_enqueuesEveryConfirmedUserWithoutAccountOrDeadLetter() throws Exception {
        String queue = newQueue();
        Reconciler reconciler = new Reconciler(cognito, dynamoDb, sqs, Clock.systemUTC());

        Reconciler.Result result = reconciler.reconcile(poolId, table, queue, deadLettered, false, 0, progress);

        Set<String> expected = new HashSet<>(confirmedSubs);
        expected.removeAll(withAccount);
        expected.removeAll(deadLettered);
        assertThat(result.confirmed()).isEqualTo(CONFIRMED);
        assertThat(result.withAccount()).isEqualTo(withAccount.size());
        assertThat(result.deadLettered()).isEqualTo(deadLettered.size());
        assertThat(result.enqueued()).isEqualTo(expected.size());
        assertThat(result.ok()).isTrue();
        Map<String, JsonNode> sent = new HashMap<>();
        for (Message message : drain(queue)) {
            JsonNode body = JSON.readTree(message.body());
            sent.put(body.path("sub").asText(), body);
        }
        assertThat(sent.keySet()).isEqualTo(expected).doesNotContainAnyElementsOf(notConfirmedSubs);
        String output = progressBytes.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("page 1:").contains("page 3:").doesNotContain("rejected the filter");
        assertThat(output).doesNotContain("@example.com");
    }

    @Test
    void reconcile_whenListUsersRejectsTheStatusFilter_listsEveryoneAndKeepsTheOwedStatuses() throws Exception {
        String queue = newQueue();
        CognitoIdentityProviderClient noFilters = new StatusRewritingCognito(cognito, Set.of(), true);

        Reconciler.Result result = new Reconciler(noFilters, dynamoDb, sqs, Clock.systemUTC())
                .reconcile(poolId, table, queue, deadLettered, false, 0, progress);

        Set<String> expected = new HashSet<>(confirmedSubs);
        expected.removeAll(withAccount);
        expected.removeAll(deadLettered);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.confirmed()).isEqualTo(CONFIRMED);
        assertThat(result.enqueued()).isEqualTo(expected.size()).isPositive();
        Set<String> sent = new HashSet<>();
        for (Message message : drain(queue)) {
            sent.add(JSON.readTree(message.body()).path("sub").asText());
        }
        assertThat(sent).isEqualTo(expected);
        assertThat(progressBytes.toString(StandardCharsets.UTF_8)).contains("rejected the filter");
    }

    @Test
    void reconcile_whenUsersAreFederated_healsThemLikeConfirmedOnes() throws Exception {
        // PostConfirmation fires on a federated user's first sign-in: EXTERNAL_PROVIDER users are owed an account.
        // moto cannot create them, so three of the invited users are reported with that status.
        String queue = newQueue();
        Set<String> federated = notConfirmedSubs.stream().limit(3).collect(java.util.stream.Collectors.toSet());
        CognitoIdentityProviderClient withFederated = new StatusRewritingCognito(cognito, federated, false);

        Reconciler.Result result = new Reconciler(withFederated, dynamoDb, sqs, Clock.systemUTC())
                .reconcile(poolId, table, queue, deadLettered, false, 0, progress);

        Set<String> expected = new HashSet<>(confirmedSubs);
        expected.removeAll(withAccount);
        expected.removeAll(deadLettered);
        expected.addAll(federated);
        assertThat(result.ok()).as(result.toString()).isTrue();
        Set<String> sent = new HashSet<>();
        for (Message message : drain(queue)) {
            sent.add(JSON.readTree(message.body()).path("sub").asText());
        }
        assertThat(sent).isEqualTo(expected);
    }

    @Test
    void reconcile_whenCognitoReturnsTheWholePoolInOnePage_looksAccountsUpInChunksDynamoDbAccepts() {
        // cognito-local ignores Limit and pagination: one page of every user, more than BatchGetItem takes.
        String queue = newQueue();
        CognitoIdentityProviderClient onePage = new OnePageCognito(cognito);

        Reconciler.Result result = new Reconciler(onePage, dynamoDb, sqs, Clock.systemUTC())
                .reconcile(poolId, table, queue, deadLettered, true, 0, progress);

        assertThat(CONFIRMED).isGreaterThan(ExistingAccounts.BATCH_GET_MAX_KEYS);
        assertThat(result.ok()).as(result.toString()).isTrue();
        assertThat(result.confirmed()).isEqualTo(CONFIRMED);
        assertThat(result.withAccount()).isEqualTo(withAccount.size());
        assertThat(progressBytes.toString(StandardCharsets.UTF_8))
                .contains("page 1:")
                .doesNotContain("page 2:");
    }

    @Test
    void reconcile_whenUserIsReenqueued_carriesCognitosLastModifiedTimeAsConfirmedAt() throws Exception {
        String queue = newQueue();
        String pool = cognito.createUserPool(b -> b.poolName("late-" + UUID.randomUUID()))
                .userPool()
                .id();
        String sub = createUser(pool, "late", true);
        UserType user = cognito.listUsers(b -> b.userPoolId(pool).filter("sub = \"" + sub + "\""))
                .users()
                .get(0);

        new Reconciler(cognito, dynamoDb, sqs, Clock.systemUTC())
                .reconcile(pool, table, queue, Set.of(), false, 0, progress);

        List<Message> messages = drain(queue);
        assertThat(messages).hasSize(1);
        Instant confirmedAt = Instant.parse(
                JSON.readTree(messages.get(0).body()).path("confirmedAt").asText());
        assertThat(confirmedAt).isEqualTo(user.userLastModifiedDate());
    }

    @Test
    void reconcile_whenDryRun_sendsNothingAndCountsTheSame() {
        String queue = newQueue();

        Reconciler.Result result = new Reconciler(cognito, dynamoDb, sqs, Clock.systemUTC())
                .reconcile(poolId, table, queue, deadLettered, true, 0, progress);

        assertThat(result.confirmed()).isGreaterThanOrEqualTo(CONFIRMED);
        assertThat(result.enqueued()).isPositive();
        assertThat(result.line(true)).contains("(dry run)").contains("would_enqueue=");
        assertThat(drain(queue)).isEmpty();
    }

    @Test
    void reconcile_whenBatchGetLeavesUnprocessedKeys_backsOffAndStillFindsEveryAccount() {
        String queue = newQueue();
        UnprocessingDynamoDb throttled = new UnprocessingDynamoDb(dynamoDb, 2);
        FakeTime time = new FakeTime();

        Reconciler.Result result = new Reconciler(cognito, throttled, sqs, Clock.systemUTC(), time, time)
                .reconcile(poolId, table, queue, everyone(), true, 0, progress);

        assertThat(result.withAccount()).isEqualTo(withAccount.size());
        assertThat(throttled.unprocessedResponses).isPositive();
        // Full jitter may draw a zero wait; what matters is one bounded pause per unprocessed answer.
        assertThat(time.sleeps).hasSize(throttled.unprocessedResponses).allSatisfy(sleep -> assertThat(sleep)
                .isGreaterThanOrEqualTo(Duration.ZERO)
                .isLessThanOrEqualTo(Duration.ofSeconds(2)));
    }

    @Test
    void reconcile_whenUnprocessedKeysNeverClear_stopsWithTheCountsSoFar() {
        String queue = newQueue();
        FakeTime time = new FakeTime();

        Reconciler.Result result = new Reconciler(
                        cognito,
                        new UnprocessingDynamoDb(dynamoDb, Integer.MAX_VALUE),
                        sqs,
                        Clock.systemUTC(),
                        time,
                        time)
                .reconcile(poolId, table, queue, Set.of(), false, 0, progress);

        assertThat(result.ok()).isFalse();
        assertThat(result.error())
                .get()
                .asString()
                .contains("unprocessed after " + ExistingAccounts.BATCH_GET_ATTEMPTS);
        assertThat(time.sleeps).hasSize(ExistingAccounts.BATCH_GET_ATTEMPTS - 1);
        assertThat(result.line(false)).contains("complete=false");
        assertThat(drain(queue)).isEmpty();
    }

    @Test
    void reconcile_whenRateIsGiven_spacesTheSends() {
        String queue = newQueue();
        FakeTime time = new FakeTime();
        Set<String> skip = everyone();
        List<String> five = confirmedSubs.stream()
                .filter(sub -> !withAccount.contains(sub))
                .limit(5)
                .toList();
        skip.removeAll(five);

        Reconciler.Result result = new Reconciler(cognito, dynamoDb, sqs, Clock.systemUTC(), time, time)
                .reconcile(poolId, table, queue, skip, false, 10, progress);

        assertThat(result.enqueued()).isEqualTo(5);
        // The first send goes at once; each later one a tenth of a second after the previous.
        assertThat(time.sleeps)
                .containsExactly(
                        Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofMillis(100));
        assertThat(drain(queue)).hasSize(5);
    }

    @Test
    void run_whenQueueRefusesEverySend_stopsPrintsTheCountsAndExitsThree() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = OpsCli.create(settings)
                .run(
                        List.of(
                                "reconcile",
                                "--pool",
                                poolId,
                                "--table",
                                table,
                                "--queue-url",
                                newQueue() + "-missing",
                                "--rate",
                                "1000"),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(3);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("enqueued=0")
                .contains("failed=10")
                .contains("complete=false");
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("10 sends in a row failed")
                .contains("page 1:")
                .doesNotContain("@example.com");
    }

    @Test
    void parse_whenRateIsGiven_usesItAndRejectsNonsense() {
        Settings env = Settings.of(Map.of("USER_POOL_ID", "p", "TABLE_NAME", "t", "QUEUE_URL", "http://q"));

        assertThat(ReconcileCommand.Options.parse(List.of("--rate", "2.5"), env).perSecond())
                .isEqualTo(2.5);
        assertThat(ReconcileCommand.Options.parse(List.of(), env).perSecond()).isEqualTo(20);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ReconcileCommand.Options.parse(List.of("--rate", "0"), env))
                .hasMessageContaining("--rate must be positive");
    }

    private static String createUser(String name, boolean confirmed) {
        return createUser(poolId, name, confirmed);
    }

    private static String createUser(String pool, String name, boolean confirmed) {
        cognito.adminCreateUser(b -> b.userPoolId(pool)
                .username(name)
                .messageAction(MessageActionType.SUPPRESS)
                .userAttributes(
                        AttributeType.builder()
                                .name("email")
                                .value(name + "@example.com")
                                .build(),
                        AttributeType.builder()
                                .name("name")
                                .value("User " + name)
                                .build()));
        if (confirmed) {
            cognito.adminSetUserPassword(b ->
                    b.userPoolId(pool).username(name).password("Passw0rd!-x").permanent(true));
        }
        return cognito.adminGetUser(b -> b.userPoolId(pool).username(name)).userAttributes().stream()
                .filter(a -> a.name().equals("sub"))
                .findFirst()
                .orElseThrow()
                .value();
    }

    /** Every confirmed user's sub: passed as "dead-lettered" so that a test's sends are its own. */
    private static Set<String> everyone() {
        return new HashSet<>(confirmedSubs);
    }

    private static String newQueue() {
        return sqs.createQueue(b -> b.queueName("reconcile-" + UUID.randomUUID()))
                .queueUrl();
    }

    private static List<Message> drain(String url) {
        List<Message> all = new ArrayList<>();
        while (true) {
            List<Message> batch = sqs.receiveMessage(
                            b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(60))
                    .messages();
            if (batch.isEmpty()) {
                return all;
            }
            all.addAll(batch);
        }
    }

    /** Time that only moves when slept: pacing and backoff are checked without waiting. */
    private static final class FakeTime implements Sleeper, java.util.function.LongSupplier {
        private final List<Duration> sleeps = new ArrayList<>();
        private long nanos;

        @Override
        public void sleep(Duration duration) {
            sleeps.add(duration);
            nanos += duration.toNanos();
        }

        @Override
        public long getAsLong() {
            return nanos;
        }
    }

    /**
     * The real (moto) DynamoDB, except that the first {@code times} BatchGetItem calls answer only
     * half the keys and return the rest as UnprocessedKeys, as a throttled table does (no emulator
     * does it for small items).
     */
    /**
     * The real (moto) Cognito, read unfiltered, with the given subs reported as EXTERNAL_PROVIDER and the status
     * filter applied here, as Cognito applies it; or, with {@code rejectFilters}, refusing any filter as an emulator
     * without status filters does.
     */
    private static final class StatusRewritingCognito implements CognitoIdentityProviderClient {
        private final CognitoIdentityProviderClient delegate;
        private final Set<String> federatedSubs;
        private final boolean rejectFilters;

        StatusRewritingCognito(
                CognitoIdentityProviderClient delegate, Set<String> federatedSubs, boolean rejectFilters) {
            this.delegate = delegate;
            this.federatedSubs = federatedSubs;
            this.rejectFilters = rejectFilters;
        }

        @Override
        public ListUsersResponse listUsers(ListUsersRequest request) {
            String filter = request.filter();
            if (filter != null && rejectFilters) {
                throw software.amazon.awssdk.services.cognitoidentityprovider.model.InvalidParameterException.builder()
                        .message("Invalid filter")
                        .build();
            }
            ListUsersResponse page =
                    delegate.listUsers(request.toBuilder().filter(null).build());
            List<UserType> users = new ArrayList<>();
            for (UserType user : page.users()) {
                String sub = user.attributes().stream()
                        .filter(a -> a.name().equals("sub"))
                        .findFirst()
                        .map(a -> a.value())
                        .orElse("");
                UserType reported = federatedSubs.contains(sub)
                        ? user.toBuilder()
                                .userStatus(UserStatusType.EXTERNAL_PROVIDER)
                                .build()
                        : user;
                if (filter == null || filter.contains("\"" + reported.userStatusAsString() + "\"")) {
                    users.add(reported);
                }
            }
            return page.toBuilder().users(users).build();
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {}
    }

    /** Answers ListUsers with every page of the real pool at once, as cognito-local does. */
    private static final class OnePageCognito implements CognitoIdentityProviderClient {
        private final CognitoIdentityProviderClient delegate;

        OnePageCognito(CognitoIdentityProviderClient delegate) {
            this.delegate = delegate;
        }

        @Override
        public ListUsersResponse listUsers(ListUsersRequest request) {
            List<UserType> users = new ArrayList<>();
            String token = null;
            do {
                String next = token;
                ListUsersResponse page = delegate.listUsers(
                        request.toBuilder().paginationToken(next).build());
                users.addAll(page.users());
                token = page.paginationToken();
            } while (token != null);
            return ListUsersResponse.builder().users(users).build();
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {}
    }

    private static final class UnprocessingDynamoDb implements DynamoDbClient {
        private final DynamoDbClient delegate;
        private final int times;
        private int unprocessedResponses;

        UnprocessingDynamoDb(DynamoDbClient delegate, int times) {
            this.delegate = delegate;
            this.times = times;
        }

        @Override
        public BatchGetItemResponse batchGetItem(BatchGetItemRequest request) {
            if (unprocessedResponses >= times) {
                return delegate.batchGetItem(request);
            }
            Map<String, KeysAndAttributes> served = new HashMap<>();
            Map<String, KeysAndAttributes> unprocessed = new HashMap<>();
            request.requestItems().forEach((name, keys) -> {
                List<Map<String, AttributeValue>> all = keys.keys();
                int half = all.size() / 2;
                served.put(name, keys.toBuilder().keys(all.subList(0, half)).build());
                unprocessed.put(
                        name,
                        keys.toBuilder().keys(all.subList(half, all.size())).build());
            });
            unprocessedResponses++;
            BatchGetItemResponse partial =
                    served.values().stream().allMatch(k -> k.keys().isEmpty())
                            ? BatchGetItemResponse.builder().responses(Map.of()).build()
                            : delegate.batchGetItem(b -> b.requestItems(served));
            return partial.toBuilder().unprocessedKeys(unprocessed).build();
        }

        @Override
        public String serviceName() {
            return delegate.serviceName();
        }

        @Override
        public void close() {
            // The delegate belongs to the test class.
        }
    }
}
