package dev.provisioning.ops.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.ops.MotoTestServer;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersRequest;
import software.amazon.awssdk.services.cognitoidentityprovider.model.ListUsersResponse;
import software.amazon.awssdk.services.cognitoidentityprovider.model.MessageActionType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** trace's lookups against moto: failures become notes, limits are said, and a pool is scanned only when asked. */
class UserTracerTest {

    private static MotoTestServer moto;
    private static AwsClientFactory factory;
    private static CognitoIdentityProviderClient cognito;
    private static DynamoDbClient dynamoDb;
    private static SqsClient sqs;
    private static String poolId;
    private static String table;
    private static String sub;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoTestServer.start();
        factory = moto.clientFactory();
        cognito = factory.build(CognitoIdentityProviderClient.builder(), "COGNITO_IDENTITY_PROVIDER");
        dynamoDb = factory.build(DynamoDbClient.builder(), "DYNAMODB");
        sqs = factory.build(SqsClient.builder(), "SQS");
        poolId = cognito.createUserPool(b -> b.poolName("trace-" + UUID.randomUUID()))
                .userPool()
                .id();
        // Two ListUsers pages of 60.
        for (int i = 0; i < 65; i++) {
            String name = "user-" + i;
            cognito.adminCreateUser(b -> b.userPoolId(poolId).username(name).messageAction(MessageActionType.SUPPRESS));
        }
        sub = cognito.adminGetUser(b -> b.userPoolId(poolId).username("user-0")).userAttributes().stream()
                .filter(a -> a.name().equals("sub"))
                .findFirst()
                .orElseThrow()
                .value();
        table = "accounts-" + UUID.randomUUID().toString().substring(0, 8);
        dynamoDb.createTable(b -> b.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("accountId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("accountId").attributeType(ScalarAttributeType.S)));
    }

    @AfterAll
    static void stopMoto() {
        MotoTestServer.closeAll(cognito, dynamoDb, sqs, factory, moto);
    }

    @Test
    void trace_whenTableDoesNotExist_notesTheErrorAndSaysIncomplete() {
        Trace trace = tracer(cognito).trace(options(sub, Optional.of("no-such-table"), Optional.empty(), false, false));

        assertThat(trace.verdict()).isEqualTo(Trace.Verdict.INCOMPLETE);
        assertThat(trace.cognito()).isNotNull();
        assertThat(trace.notes()).anySatisfy(note -> assertThat(note).startsWith("account record not read: "));
    }

    @Test
    void trace_whenAccountIsSentButUserServiceIsNotSynced_isUserServicePendingOnlyWhenExpected() {
        dynamoDb.putItem(b -> b.tableName(table)
                .item(Map.of(
                        "accountId", AttributeValue.fromS(poolId + "#" + sub),
                        "userPoolId", AttributeValue.fromS(poolId),
                        "cognitoSub", AttributeValue.fromS(sub),
                        "emailState", AttributeValue.fromS("SENT"))));

        Trace expected = tracer(cognito).trace(options(sub, Optional.of(table), Optional.empty(), true, false));
        Trace notExpected = tracer(cognito).trace(options(sub, Optional.of(table), Optional.empty(), false, false));

        assertThat(expected.verdict()).isEqualTo(Trace.Verdict.USER_SERVICE_PENDING);
        assertThat(notExpected.verdict()).isEqualTo(Trace.Verdict.PROVISIONED);
    }

    @Test
    void trace_whenFilteredListUsersFindsNothing_doesNotScanThePoolUnlessAsked() {
        AtomicInteger calls = new AtomicInteger();
        CognitoIdentityProviderClient counting = new CognitoIdentityProviderClient() {
            @Override
            public ListUsersResponse listUsers(ListUsersRequest request) {
                calls.incrementAndGet();
                return cognito.listUsers(request);
            }

            @Override
            public String serviceName() {
                return cognito.serviceName();
            }

            @Override
            public void close() {}
        };
        String unknown = UUID.randomUUID().toString();

        Trace trace = tracer(counting).trace(options(unknown, Optional.of(table), Optional.empty(), false, false));
        int filteredOnly = calls.getAndSet(0);
        Trace scanned = tracer(counting).trace(options(unknown, Optional.of(table), Optional.empty(), false, true));

        assertThat(trace.verdict()).isEqualTo(Trace.Verdict.UNKNOWN_USER);
        assertThat(filteredOnly).isEqualTo(1);
        assertThat(scanned.verdict()).isEqualTo(Trace.Verdict.UNKNOWN_USER);
        assertThat(calls.get()).as("the filtered call, then two pages").isEqualTo(3);
    }

    @Test
    void trace_whenUserIsOnTheDlq_findsTheReasonAndLeavesTheMessageVisible() {
        String dlq = sqs.createQueue(b -> b.queueName("trace-dlq-" + UUID.randomUUID()))
                .queueUrl();
        for (int i = 0; i < 14; i++) {
            String body = i == 9 ? "{\"sub\":\"" + sub + "\"}" : "{\"sub\":\"other-" + i + "\"}";
            sqs.sendMessage(b -> b.queueUrl(dlq)
                    .messageBody(body)
                    .messageAttributes(Map.of(
                            "failure.reason",
                            MessageAttributeValue.builder()
                                    .dataType("String")
                                    .stringValue("NOT_JSON")
                                    .build())));
        }

        Trace trace = tracer(cognito).trace(options(sub, Optional.of(table), Optional.of(dlq), false, false));

        assertThat(trace.verdict()).isEqualTo(Trace.Verdict.DEAD_LETTERED);
        assertThat(trace.deadLetters()).singleElement().satisfies(letter -> assertThat(letter.reason())
                .isEqualTo("NOT_JSON"));
        assertThat(trace.notes()).noneMatch(note -> note.startsWith("dead-letter queue"));
        assertThat(sqs.getQueueAttributes(
                                b -> b.queueUrl(dlq).attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                        .attributes()
                        .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                .isEqualTo("14");
    }

    private static UserTracer tracer(CognitoIdentityProviderClient client) {
        return new UserTracer(client, dynamoDb, sqs);
    }

    private static TraceRequest options(
            String sub, Optional<String> table, Optional<String> dlq, boolean userService, boolean scanUsers) {
        return new TraceRequest(sub, Optional.of(poolId), table, dlq, userService, scanUsers);
    }
}
