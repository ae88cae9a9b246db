package dev.provisioning.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserPoolType;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** doctor against a real moto server: the right wiring, the incident (a recreated pool) and --fix. */
class DoctorCommandTest {

    private static MotoTestServer moto;
    private static Settings settings;
    private static AwsClientFactory clients;
    private static CognitoIdentityProviderClient cognito;
    private static LambdaClient lambda;
    private static SqsClient sqs;
    private static DynamoDbClient dynamoDb;
    private static SesClient ses;
    private static String role;

    @BeforeAll
    static void startMoto() throws Exception {
        moto = MotoTestServer.start();
        settings = Settings.of(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", moto.endpoint().toString(),
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test"));
        clients = AwsClientFactory.builder(settings.aws())
                .credentials(OpsClients.credentials(settings))
                .build();
        cognito = clients.build(CognitoIdentityProviderClient.builder(), "COGNITO_IDENTITY_PROVIDER");
        lambda = clients.build(LambdaClient.builder(), "LAMBDA");
        sqs = clients.build(SqsClient.builder(), "SQS");
        dynamoDb = clients.build(DynamoDbClient.builder(), "DYNAMODB");
        ses = clients.build(SesClient.builder(), "SES");
        role = moto.createRole("doctor-test");
    }

    @AfterAll
    static void stopMoto() {
        for (AutoCloseable closeable : new AutoCloseable[] {cognito, lambda, sqs, dynamoDb, ses, clients, moto}) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort; moto is stopped last
            }
        }
    }

    @Test
    void run_whenWiringIsRight_exitsZeroWithNoFailOrWarn() {
        Wiring wiring = wire(true);

        Result result = doctor(wiring.args(wiring.poolId()));

        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("OK   pool.trigger-permission  SourceArn matches " + wiring.poolArn())
                .contains("OK   pool.post-confirmation")
                .contains("OK   queue.redrive")
                .contains("OK   queue.visibility")
                .contains("OK   mapping.enabled")
                .contains("OK   mapping.batch-item-failures")
                .contains("OK   mapping.max-concurrency")
                .contains("OK   table")
                .contains("OK   ses.sender")
                .contains("doctor ok=10 warn=0 fail=0");
    }

    @Test
    void run_whenPoolWasRecreated_failsOnSourceArnAndFixAddsThePermission() {
        Wiring wiring = wire(true);
        UserPoolType recreated = cognito.createUserPool(r -> r.poolName("recreated-" + UUID.randomUUID())
                        .lambdaConfig(c -> c.postConfirmation(wiring.functionArn())))
                .userPool();
        List<String> args = wiring.args(recreated.id());

        Result before = doctor(args);
        Result fixed = doctor(plus(args, "--fix"));
        Result after = doctor(args);

        System.out.println("--- doctor on the recreated pool ---\n" + before.out());
        System.out.println("--- doctor --fix ---\n" + fixed.out());
        System.out.println("--- doctor again ---\n" + after.out());
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.out())
                .contains("FAIL pool.trigger-permission  no statement allows cognito-idp.amazonaws.com with SourceArn "
                        + recreated.arn())
                .contains("WARN pool.trigger-permission.stale  statement " + wiring.statementId() + " allows "
                        + wiring.poolArn())
                .contains("--source-arn " + recreated.arn())
                .contains("fail=1");
        assertThat(fixed.code()).as(fixed.out()).isZero();
        assertThat(fixed.out())
                .contains(
                        "OK   pool.trigger-permission.fix  added statement cognito-post-confirmation-" + recreated.id())
                .contains("OK   pool.trigger-permission  SourceArn matches " + recreated.arn());
        assertThat(after.code()).as(after.out()).isZero();
        assertThat(after.out())
                .contains("OK   pool.trigger-permission  SourceArn matches " + recreated.arn())
                .contains("WARN pool.trigger-permission.stale")
                .doesNotContain("pool.trigger-permission.fix")
                .contains("fail=0");
        String policy =
                lambda.getPolicy(r -> r.functionName(wiring.functionArn())).policy();
        assertThat(policy).contains(wiring.poolArn()).contains(recreated.arn());
    }

    @Test
    void run_whenQueueHasNoRedrivePolicy_failsQueueRedrive() {
        Wiring wiring = wire(false);

        Result result = doctor(wiring.args(wiring.poolId()));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).contains("FAIL queue.redrive").contains("has no RedrivePolicy");
    }

    @Test
    void run_whenPoolLacksPostConfirmation_failsAndNeverUpdatesThePool() {
        String poolId = cognito.createUserPool(r -> r.poolName("bare-" + UUID.randomUUID()))
                .userPool()
                .id();

        Result result = doctor(List.of("--pool", poolId, "--function", "some-trigger", "--fix"));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL pool.post-confirmation  the pool has no PostConfirmation trigger")
                .contains("UpdateUserPool resets every setting");
        UserPoolType after = cognito.describeUserPool(r -> r.userPoolId(poolId)).userPool();
        assertThat(after.lambdaConfig() == null ? null : after.lambdaConfig().postConfirmation())
                .isNull();
    }

    @Test
    void run_whenJsonAndNothingGiven_warnsForEverySkippedCheck() {
        Result result = doctor(List.of("--json"));

        assertThat(result.code()).isZero();
        assertThat(result.out())
                .contains("\"status\" : \"WARN\"")
                .contains("--pool (USER_POOL_ID)")
                .contains("\"fail\" : 0");
    }

    @Test
    void run_whenOptionIsUnknown_exitsTwo() {
        Result result = doctor(List.of("--nope"));

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err()).contains("unknown option --nope").contains("usage: doctor");
    }

    @Test
    void sameFunction_whenArnIsQualified_comparesNameAndAlias() {
        String arn = "arn:aws:lambda:eu-central-1:123456789012:function:trigger";

        assertThat(WiringDoctor.sameFunction(arn + ":live", "trigger")).isTrue();
        assertThat(WiringDoctor.sameFunction(arn + ":live", arn)).isTrue();
        assertThat(WiringDoctor.sameFunction(arn + ":live", "trigger:live")).isTrue();
        assertThat(WiringDoctor.sameFunction(arn + ":live", arn + ":1")).isFalse();
        assertThat(WiringDoctor.sameFunction(arn, "other")).isFalse();
    }

    @Test
    void cognitoStatements_whenConditionKeysAreLowerCase_readsThemAnyway() throws Exception {
        String policy = """
                {"Statement":[
                 {"Sid":"a","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"aws:SourceArn":"arn:x"},
                  "StringEquals":{"aws:sourceaccount":"1"}}},
                 {"Sid":"b","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                  "Action":"lambda:InvokeFunction"}]}
                """;

        assertThat(WiringDoctor.cognitoStatements(policy))
                .containsExactly(
                        new WiringDoctor.Statement("a", java.util.Optional.of("arn:x"), java.util.Optional.of("1")));
    }

    private record Wiring(
            String poolId,
            String poolArn,
            String functionArn,
            String statementId,
            String queueUrl,
            String table,
            String sender,
            String provisioner) {

        List<String> args(String pool) {
            return List.of(
                    "--pool",
                    pool,
                    "--queue-url",
                    queueUrl,
                    "--table",
                    table,
                    "--sender",
                    sender,
                    "--provisioner",
                    provisioner);
        }
    }

    /** The deployed wiring as the stack builds it; {@code redrive} false leaves the queue without a DLQ. */
    private static Wiring wire(boolean redrive) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String trigger = lambda.createFunction(r -> r.functionName("trigger-" + suffix)
                        .runtime(Runtime.JAVA21)
                        .role(role)
                        .handler("dev.provisioning.Trigger::handleRequest")
                        .code(c -> c.zipFile(zip())))
                .functionArn();
        String provisioner = "provisioner-" + suffix;
        lambda.createFunction(r -> r.functionName(provisioner)
                .runtime(Runtime.JAVA21)
                .role(role)
                .timeout(30)
                .handler("dev.provisioning.Provisioner::handleRequest")
                .code(c -> c.zipFile(zip())));
        UserPoolType pool = cognito.createUserPool(
                        r -> r.poolName("pool-" + suffix).lambdaConfig(c -> c.postConfirmation(trigger)))
                .userPool();
        String statementId = "cognito-post-confirmation-" + pool.id();
        lambda.addPermission(r -> r.functionName(trigger)
                .statementId(statementId)
                .action("lambda:InvokeFunction")
                .principal("cognito-idp.amazonaws.com")
                .sourceArn(pool.arn())
                .sourceAccount(WiringDoctor.accountOf(pool.arn())));
        String dlqArn = arnOf(sqs.createQueue(r -> r.queueName("dlq-" + suffix)).queueUrl());
        Map<QueueAttributeName, String> attributes = new java.util.HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, "180");
        if (redrive) {
            attributes.put(
                    QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"10\"}");
        }
        String queueUrl = sqs.createQueue(r -> r.queueName("queue-" + suffix).attributes(attributes))
                .queueUrl();
        lambda.createEventSourceMapping(r -> r.eventSourceArn(arnOf(queueUrl))
                .functionName(provisioner)
                .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                .scalingConfig(s -> s.maximumConcurrency(5)));
        String table = "accounts-" + suffix;
        dynamoDb.createTable(r -> r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .keySchema(k -> k.attributeName("accountId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("accountId").attributeType(ScalarAttributeType.S)));
        String sender = "no-reply-" + suffix + "@example.com";
        ses.verifyEmailIdentity(r -> r.emailAddress(sender));
        return new Wiring(pool.id(), pool.arn(), trigger, statementId, queueUrl, table, sender, provisioner);
    }

    private static String arnOf(String queueUrl) {
        return sqs.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
    }

    private static SdkBytes zip() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            zip.putNextEntry(new ZipEntry("placeholder.txt"));
            zip.write("never invoked".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return SdkBytes.fromByteArray(bytes.toByteArray());
    }

    private static List<String> plus(List<String> args, String extra) {
        List<String> all = new ArrayList<>(args);
        all.add(extra);
        return all;
    }

    private record Result(int code, String out, String err) {}

    private static Result doctor(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>();
        all.add("doctor");
        all.addAll(args);
        int code = OpsCli.create(settings)
                .run(
                        all,
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
