package dev.provisioning.ops.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.common.StackOutputs;
import dev.provisioning.ops.MotoTestServer;
import dev.provisioning.ops.OpsCli;
import dev.provisioning.ops.cli.CommandContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.AlreadyExistsException;
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
import software.amazon.awssdk.services.ses.model.EventType;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * doctor against a real moto server: the right wiring, the incident (a recreated pool) and --fix, the
 * permission's conditions, mappings, DLQ, table and SES settings, and the exit codes.
 */
class DoctorCommandTest {

    private static final String ACCOUNT = "123456789012";

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
        settings = moto.settings();
        clients = moto.clientFactory();
        cognito = clients.build(CognitoIdentityProviderClient.builder(), "COGNITO_IDENTITY_PROVIDER");
        lambda = clients.build(LambdaClient.builder(), "LAMBDA");
        sqs = clients.build(SqsClient.builder(), "SQS");
        dynamoDb = clients.build(DynamoDbClient.builder(), "DYNAMODB");
        ses = clients.build(SesClient.builder(), "SES");
        role = moto.createRole("doctor-test");
    }

    @AfterAll
    static void stopMoto() {
        MotoTestServer.closeAll(cognito, lambda, sqs, dynamoDb, ses, clients, moto);
    }

    // ---- the whole run and its exit codes --------------------------------------------------------

    @Test
    void run_whenWiringIsRight_exitsZeroWithEveryCheckOk() {
        Wiring wiring = wire(true);

        Result result = doctor(wiring.args(wiring.poolId()));

        System.out.println("--- doctor on the right wiring ---\n" + result.out());
        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("OK   pool.post-confirmation  " + wiring.triggerAliasArn())
                .contains("OK   pool.trigger-permission  SourceArn matches " + wiring.poolArn() + " and SourceAccount "
                        + ACCOUNT + " (statement " + wiring.statementId() + " on " + wiring.triggerAliasArn() + ")")
                .contains("OK   queue.redrive  maxReceiveCount=5")
                .contains("OK   queue.dlq-retention")
                .contains("OK   queue.visibility  VisibilityTimeout=181s, needs at least 181s (6 × Timeout 30s"
                        + " + batching window 1s")
                .contains("OK   mapping  mapping ")
                .contains("BatchSize=10, MaximumBatchingWindowInSeconds=1, ReportBatchItemFailures=on,"
                        + " MaximumConcurrency=5")
                .contains("OK   mapping.enabled")
                .contains("OK   mapping.batch-item-failures")
                .contains("OK   mapping.max-concurrency")
                .contains("OK   table  ")
                .contains("OK   table.billing")
                .contains("OK   table.deletion-protection")
                .contains("OK   table.sse")
                .contains("OK   table.pitr")
                .contains("OK   ses.sender  sends from " + wiring.sender() + " use the verified address identity "
                        + wiring.sender())
                .contains("OK   ses.configuration-set  configuration set " + wiring.configurationSet()
                        + " publishes bounces and complaints (bounces-and-complaints-" + wiring.configurationSet()
                        + ") to SNS topic arn:aws:sns:")
                .contains("warn=0 fail=0 skip=0 result=OK");
    }

    @Test
    void run_whenStackIsNamed_readsEveryOptionFromItsOutputsAndProvesTheSameWiring() throws Exception {
        Wiring wiring = wire(true);
        String stack = "provisioning-" + UUID.randomUUID().toString().substring(0, 8);
        String template = stackWithOutputs(Map.of(
                StackOutputs.USER_POOL_ID, wiring.poolId(),
                StackOutputs.TRIGGER_ALIAS_ARN, wiring.triggerAliasArn(),
                StackOutputs.QUEUE_URL, wiring.queueUrl(),
                StackOutputs.TABLE_NAME, wiring.table(),
                StackOutputs.SENDER_ADDRESS, wiring.sender(),
                StackOutputs.PROVISIONER_ALIAS_ARN, wiring.provisioner(),
                StackOutputs.SES_CONFIGURATION_SET, wiring.configurationSet()));
        try (CloudFormationClient cloudFormation = clients.build(CloudFormationClient.builder(), "CLOUDFORMATION")) {
            try {
                cloudFormation.createStack(b -> b.stackName(stack).templateBody(template));
            } catch (AlreadyExistsException e) {
                // The SDK retried a call whose first attempt created the stack (its answer was late): it exists.
            }
        }

        Result explicit = doctor(wiring.args(wiring.poolId()));
        Result fromStack = doctor(List.of("--stack", stack));
        Result overridden = doctor(List.of("--stack", stack, "--sender", "someone-else@example.org"));

        assertThat(fromStack.code()).as(fromStack.out() + fromStack.err()).isZero();
        assertThat(fromStack.out()).isEqualTo(explicit.out());
        assertThat(overridden.code()).isEqualTo(1);
        assertThat(overridden.out()).contains("FAIL ses.sender").contains("someone-else@example.org");
    }

    @Test
    void run_whenStackDoesNotExist_exitsTwoNamingIt() {
        Result result = doctor(List.of("--stack", "no-such-stack"));

        assertThat(result.code()).as(result.err()).isEqualTo(2);
        assertThat(result.err()).contains("stack no-such-stack not found");
    }

    /** A template that creates nothing of note and outputs the given values, as a deployed stack would. */
    private static String stackWithOutputs(Map<String, String> outputs) throws Exception {
        Map<String, Object> template = new java.util.LinkedHashMap<>();
        template.put("Resources", Map.of("Placeholder", Map.of("Type", "AWS::CloudFormation::WaitConditionHandle")));
        Map<String, Object> values = new java.util.LinkedHashMap<>();
        outputs.forEach((key, value) -> values.put(key, Map.of("Value", value)));
        template.put("Outputs", values);
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(template);
    }

    @Test
    void run_whenPoolWasRecreated_failsOnSourceArnAndFixAddsThePermission() {
        Wiring wiring = wire(true);
        UserPoolType recreated = cognito.createUserPool(r -> r.poolName("recreated-" + UUID.randomUUID())
                        .lambdaConfig(c -> c.postConfirmation(wiring.triggerAliasArn())))
                .userPool();
        List<String> args = wiring.args(recreated.id());

        Result before = doctor(args);
        Result fixed = doctor(plus(args, "--fix"));
        Result after = doctor(args);

        System.out.println("--- doctor on the recreated pool ---\n" + before.out());
        System.out.println("--- doctor --fix ---\n" + fixed.out());
        assertThat(before.code()).isEqualTo(1);
        assertThat(before.out())
                .contains("FAIL pool.trigger-permission  no statement allows cognito-idp.amazonaws.com with SourceArn "
                        + recreated.arn())
                .contains("WARN pool.trigger-permission.stale  statement " + wiring.statementId() + " allows ArnLike "
                        + wiring.poolArn())
                .contains("fix: ./pipeline doctor --fix, or: aws lambda add-permission")
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
        assertThat(policyOf(wiring)).contains(wiring.poolArn()).contains(recreated.arn());
    }

    @Test
    void run_whenJsonAndNothingGiven_isIncompleteWithExitThree() {
        Result result = doctor(List.of("--json"));

        assertThat(result.code()).isEqualTo(3);
        assertThat(result.out())
                .contains("\"status\" : \"SKIP\"")
                .contains("--pool (USER_POOL_ID)")
                .contains("\"fail\" : 0")
                .contains("\"result\" : \"INCOMPLETE\"")
                .contains("\"exitCode\" : 3")
                .doesNotContain("\"status\" : \"OK\"");
    }

    @Test
    void run_whenAServiceIsUnreachable_skipsItsChecksAndIsIncomplete() throws IOException {
        Wiring wiring = wire(true);
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }

        Result result = doctor(plus(
                plus(plus(wiring.args(wiring.poolId()), "--cognito-endpoint"), "http://127.0.0.1:" + closed),
                "--json"));

        assertThat(result.code()).as(result.out()).isEqualTo(3);
        assertThat(result.out())
                .contains("\"name\" : \"pool.exists\"")
                .contains("could not check: SdkClientException")
                .contains("\"fail\" : 0")
                .contains("\"result\" : \"INCOMPLETE\"");
    }

    @Test
    void run_whenDoctorItselfFails_exitsFour() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DoctorCommand command = new DoctorCommand(
                new CommandContext(
                        settings,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8)),
                clients -> {
                    throw new IllegalStateException("unexpected answer");
                });

        int code = new CommandLine(command).execute("--pool", "us-east-1_x");

        assertThat(code).isEqualTo(DoctorCommand.EXIT_CRASH).isEqualTo(4);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("doctor: crashed, nothing is proven: IllegalStateException: unexpected answer");
    }

    @Test
    void run_whenOptionIsUnknown_exitsTwoWithUsageAndExitCodes() {
        Result result = doctor(List.of("--nope"));

        assertThat(result.code()).isEqualTo(2);
        assertThat(result.err())
                .contains("Unknown option: '--nope'")
                .contains("usage: pipeline doctor")
                .contains("exit codes:");
    }

    @Test
    void run_whenHelp_printsUsageWithEveryExitCode() {
        Result result = doctor(List.of("--help"));

        assertThat(result.code()).isZero();
        assertThat(result.out())
                .contains("usage: pipeline doctor")
                .contains("0  every check ran and none failed")
                .contains("1  at least one check failed")
                .contains("2  bad usage or configuration")
                .contains("3  incomplete")
                .contains("4  doctor itself crashed");
    }

    // ---- pool and the trigger's permission ------------------------------------------------------

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
    void run_whenPoolInvokesTheBareFunctionButFunctionIsTheAlias_failsChecksWhatThePoolInvokesAndDoesNotFix() {
        Wiring wiring = wire(true);
        String bare = wiring.triggerArn();
        UserPoolType pool = cognito.createUserPool(
                        r -> r.poolName("bare-wired-" + UUID.randomUUID()).lambdaConfig(c -> c.postConfirmation(bare)))
                .userPool();
        String policyBefore = policyOf(wiring);

        Result result = doctor(List.of("--pool", pool.id(), "--function", wiring.triggerAliasArn(), "--fix"));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL pool.post-confirmation  PostConfirmation is " + bare + ", expected "
                        + wiring.triggerAliasArn())
                .contains("FAIL pool.trigger-permission  no statement allows cognito-idp.amazonaws.com with SourceArn "
                        + pool.arn() + " and SourceAccount " + ACCOUNT + " on " + bare + ":")
                .contains("fix: once PostConfirmation is right: aws lambda add-permission --function-name " + bare
                        + " --statement-id")
                .contains("WARN pool.trigger-permission.fix  not applied: the pool invokes " + bare);
        assertThat(policyOf(wiring)).isEqualTo(policyBefore);
    }

    @Test
    void run_whenSourceArnIsAWildcardCoveringThePool_isOkAndFixAddsNothing() {
        Wiring wiring = wire(true);
        UserPoolType pool = poolInvoking(wiring.triggerAliasArn());
        addPermission(wiring, "wildcard", "arn:aws:cognito-idp:us-east-1:" + ACCOUNT + ":userpool/*", ACCOUNT);
        String policyBefore = policyOf(wiring);

        Result result = doctor(plus(wiring.args(pool.id()), "--fix"));

        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("OK   pool.trigger-permission  SourceArn matches " + pool.arn() + " and SourceAccount "
                        + ACCOUNT + " (statement wildcard")
                .doesNotContain("pool.trigger-permission.fix");
        assertThat(policyOf(wiring)).isEqualTo(policyBefore);
    }

    @Test
    void run_whenSourceAccountIsAnotherAccount_failsAndSaysWhy() {
        Wiring wiring = wire(true);
        UserPoolType pool = poolInvoking(wiring.triggerAliasArn());
        addPermission(wiring, "other-account", pool.arn(), "999999999999");

        Result result = doctor(List.of("--pool", pool.id()));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL pool.trigger-permission  no statement allows cognito-idp.amazonaws.com with SourceArn "
                        + pool.arn())
                .contains("WARN pool.trigger-permission.other-account  statement other-account allows SourceAccount"
                        + " StringEquals 999999999999, not the pool's account " + ACCOUNT);
    }

    @Test
    void run_whenSourceAccountIsMissing_warnsWithAHintThatDoesNotPromiseFix() {
        Wiring wiring = wire(true);
        UserPoolType pool = poolInvoking(wiring.triggerAliasArn());
        addPermission(wiring, "no-account", pool.arn(), null);

        Result result = doctor(plus(wiring.args(pool.id()), "--fix"));

        assertThat(result.code()).as(result.out()).isEqualTo(0);
        assertThat(result.out())
                .contains("WARN pool.trigger-permission  SourceArn matches " + pool.arn() + " (statement no-account on "
                        + wiring.triggerAliasArn() + ") but has no SourceAccount")
                .contains("doctor --fix only adds a missing permission")
                .contains("--statement-id cognito-post-confirmation-" + pool.id() + "-scoped")
                .contains("aws lambda remove-permission --function-name " + wiring.triggerArn()
                        + " --qualifier live --statement-id no-account")
                .doesNotContain("./pipeline doctor --fix")
                .doesNotContain("pool.trigger-permission.fix");
    }

    @Test
    void sameFunction_whenQualifiersDiffer_isFalseAndLatestIsUnqualified() {
        String arn = "arn:aws:lambda:eu-central-1:123456789012:function:trigger";

        assertThat(FunctionRef.sameFunction(arn + ":live", "trigger:live")).isTrue();
        assertThat(FunctionRef.sameFunction(arn + ":live", "123456789012:function:trigger:live"))
                .isTrue();
        assertThat(FunctionRef.sameFunction(arn, "trigger")).isTrue();
        assertThat(FunctionRef.sameFunction(arn, arn + ":$LATEST")).isTrue();
        assertThat(FunctionRef.sameFunction(arn + ":live", "trigger")).isFalse();
        assertThat(FunctionRef.sameFunction(arn + ":live", arn)).isFalse();
        assertThat(FunctionRef.sameFunction(arn + ":live", arn + ":1")).isFalse();
        assertThat(FunctionRef.sameFunction(arn, "other")).isFalse();
        assertThat(FunctionRef.sameFunction(arn, "arn:aws:lambda:eu-west-1:123456789012:function:trigger"))
                .isFalse();
    }

    @Test
    void cognitoStatements_whenConditionKeysAreLowerCase_readsThemAnyway() throws Exception {
        String policy = """
                {"Statement":[
                 {"Sid":"a","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:x:r:1:y"},
                  "StringEquals":{"aws:sourceaccount":"1"}}},
                 {"Sid":"b","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},
                  "Action":"lambda:InvokeFunction"}]}
                """;

        List<InvokeStatement> statements = InvokeStatement.cognitoStatements(policy);

        assertThat(statements).hasSize(1);
        InvokeStatement statement = statements.get(0);
        assertThat(statement.sid()).isEqualTo("a");
        assertThat(statement.allowsSourceArn("arn:aws:x:r:1:y")).isTrue();
        assertThat(statement.allowsSourceArn("arn:aws:x:r:1:z")).isFalse();
        assertThat(statement.allowsSourceAccount("1")).isTrue();
        assertThat(statement.allowsSourceAccount("2")).isFalse();
    }

    @Test
    void cognitoStatements_whenSourceArnHasSeveralValuesOrWildcards_evaluatesThemAll() throws Exception {
        String pool = "arn:aws:cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_AbC";
        String policy = """
                {"Statement":[
                 {"Sid":"list","Effect":"Allow","Principal":{"Service":["cognito-idp.amazonaws.com"]},
                  "Action":["lambda:InvokeFunction"],
                  "Condition":{"ArnLike":{"AWS:SourceArn":["arn:aws:cognito-idp:eu-central-1:123456789012:userpool/old",
                                                           "%s"]}}},
                 {"Sid":"star","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction",
                  "Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:cognito-idp:*:123456789012:userpool/eu-central-1_?bC"}}},
                 {"Sid":"exact","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction",
                  "Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cognito-idp:*:123456789012:userpool/*"}}},
                 {"Sid":"short","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:cognito-idp:*"}}},
                 {"Sid":"not","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction","Condition":{"ArnNotLike":{"AWS:SourceArn":"arn:aws:*:*:*:other/*"}}},
                 {"Sid":"odd","Effect":"Allow","Principal":{"Service":"cognito-idp.amazonaws.com"},
                  "Action":"lambda:InvokeFunction","Condition":{"DateLessThan":{"aws:SourceArn":"x"}}}]}
                """.formatted(pool);

        Map<String, InvokeStatement> bySid = new HashMap<>();
        InvokeStatement.cognitoStatements(policy).forEach(s -> bySid.put(s.sid(), s));

        assertThat(bySid.get("list").allowsSourceArn(pool)).isTrue();
        assertThat(bySid.get("star").allowsSourceArn(pool)).isTrue();
        assertThat(bySid.get("exact").allowsSourceArn(pool))
                .as("StringEquals takes * literally")
                .isFalse();
        assertThat(bySid.get("short").allowsSourceArn(pool))
                .as("* does not span ARN components")
                .isFalse();
        assertThat(bySid.get("not").allowsSourceArn(pool)).isTrue();
        assertThat(bySid.get("odd").unsupported()).containsExactly("DateLessThan aws:SourceArn");
    }

    // ---- queue, DLQ, mappings, visibility -------------------------------------------------------

    @Test
    void run_whenQueueHasNoRedrivePolicy_failsQueueRedriveWithInfrasCount() {
        Wiring wiring = wire(false);

        Result result = doctor(wiring.args(wiring.poolId()));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL queue.redrive")
                .contains("has no RedrivePolicy")
                .contains("maxReceiveCount: 5} (infra does)");
    }

    @Test
    void run_whenDlqKeepsMessagesNoLongerThanTheQueue_failsDlqRetention() {
        String suffix = suffix();
        String dlqArn =
                arnOf(sqs.createQueue(r -> r.queueName("short-dlq-" + suffix)).queueUrl());
        String queueUrl = sqs.createQueue(r -> r.queueName("short-queue-" + suffix)
                        .attributes(Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}")))
                .queueUrl();

        Result result = doctor(List.of("--queue-url", queueUrl));

        assertThat(result.out())
                .contains("FAIL queue.dlq-retention  DLQ ")
                .contains("keeps messages 4 d, the queue 4 d: not longer than the queue's")
                .contains("MessageRetentionPeriod=1209600");
    }

    @Test
    void run_whenASecondMappingHasALongerWindow_reportsEachMappingAndVisibilityCountsTheWindow() {
        Wiring wiring = wire(true);
        lambda.createEventSourceMapping(r -> r.eventSourceArn(wiring.queueArn())
                .functionName(wiring.provisioner())
                .batchSize(10)
                .maximumBatchingWindowInSeconds(10));

        Result result = doctor(wiring.args(wiring.poolId()));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("WARN mapping.count  2 mappings consume the queue into " + wiring.provisioner())
                .contains("MaximumBatchingWindowInSeconds=1,")
                .contains("MaximumBatchingWindowInSeconds=10,")
                .contains("WARN mapping.qualifier")
                .contains("WARN mapping.max-concurrency")
                .contains("FAIL queue.visibility  VisibilityTimeout=181s, needs at least 190s (6 × Timeout 30s"
                        + " + batching window 10s");
    }

    @Test
    void run_whenAnotherFunctionConsumesTheQueue_failsOtherConsumer() {
        Wiring wiring = wire(true);
        String other = createFunction("thief-" + suffix(), 30);
        lambda.createEventSourceMapping(r -> r.eventSourceArn(wiring.queueArn()).functionName(other));

        Result result = doctor(wiring.args(wiring.poolId()));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL mapping.other-consumer")
                .contains("also consumes the queue into ")
                .contains("OK   mapping.enabled");
    }

    // ---- table and SES ------------------------------------------------------------------------

    @Test
    void run_whenTableLacksTheStacksSettings_warnsForEach() {
        Wiring wiring = wire(true);
        String table = "plain-" + suffix();
        dynamoDb.createTable(r -> r.tableName(table)
                .billingMode(BillingMode.PROVISIONED)
                .provisionedThroughput(p -> p.readCapacityUnits(1L).writeCapacityUnits(1L))
                .keySchema(k -> k.attributeName("accountId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("accountId").attributeType(ScalarAttributeType.S)));

        Result result = doctor(replace(wiring.args(wiring.poolId()), "--table", table));

        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("OK   table  " + table + " key accountId")
                .contains("WARN table.billing  " + table + " has provisioned capacity")
                .contains("WARN table.deletion-protection")
                .contains("WARN table.sse")
                .contains("WARN table.pitr");
    }

    @Test
    void run_whenSenderIsNotVerified_failsBecauseEveryEmailWould() {
        Wiring wiring = wire(true);
        String unverified = "nobody-" + suffix() + "@unverified-" + suffix() + ".example";

        Result result = doctor(replace(wiring.args(wiring.poolId()), "--sender", unverified));

        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out())
                .contains("FAIL ses.sender  no verified SES identity for " + unverified)
                .contains(unverified + ": not an identity")
                .contains("every welcome email fails")
                .contains("aws ses verify-domain-identity --domain unverified-");
    }

    @Test
    void run_whenOnlyTheSendersDomainIsVerified_saysTheDomainIdentityIsUsed() {
        Wiring wiring = wire(true);
        String domain = "verified-" + suffix() + ".example";
        ses.verifyDomainIdentity(r -> r.domain(domain));
        String sender = "welcome@" + domain;

        Result result = doctor(replace(wiring.args(wiring.poolId()), "--sender", sender));

        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out())
                .contains("OK   ses.sender  sends from " + sender + " use the verified domain identity " + domain
                        + " (the role needs ses:SendEmail on identity/" + domain);
    }

    @Test
    void run_whenTheConfigurationSetIsMissingOrReportsNoBounces_failsBecauseSesWouldRefuseOrNobodyWouldKnow() {
        Wiring wiring = wire(true);
        String bare = "bare-" + suffix();
        ses.createConfigurationSet(r -> r.configurationSet(c -> c.name(bare)));

        Result missing = doctor(replace(wiring.args(wiring.poolId()), "--configuration-set", "missing-" + suffix()));
        Result withoutDestination = doctor(replace(wiring.args(wiring.poolId()), "--configuration-set", bare));

        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.out())
                .contains("FAIL ses.configuration-set  configuration set missing-")
                .contains("does not exist: SES refuses every send that names it");
        assertThat(withoutDestination.code()).isEqualTo(1);
        assertThat(withoutDestination.out())
                .contains("FAIL ses.configuration-set  configuration set " + bare
                        + " has no enabled event destination for both BOUNCE and COMPLAINT");
    }

    // ---- the wiring as the stack builds it --------------------------------------------------------

    private record Wiring(
            String poolId,
            String poolArn,
            String triggerArn,
            String triggerAliasArn,
            String statementId,
            String queueUrl,
            String queueArn,
            String table,
            String sender,
            String provisioner,
            String configurationSet) {

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
                    provisioner,
                    "--configuration-set",
                    configurationSet);
        }
    }

    /**
     * The deployed wiring as infra builds it: both functions with a published version and alias live, the pool
     * wired to the trigger alias, the mapping on the provisioner alias; {@code redrive} false leaves out the DLQ.
     */
    private static Wiring wire(boolean redrive) {
        String suffix = suffix();
        String trigger = createFunction("trigger-" + suffix, 4);
        String triggerAlias = publishAlias(trigger);
        String provisioner = "provisioner-" + suffix;
        String provisionerAlias = publishAlias(createFunction(provisioner, 30));
        UserPoolType pool = poolInvoking(triggerAlias);
        String statementId = "cognito-post-confirmation-" + pool.id();
        lambda.addPermission(r -> r.functionName(trigger)
                .qualifier("live")
                .statementId(statementId)
                .action("lambda:InvokeFunction")
                .principal("cognito-idp.amazonaws.com")
                .sourceArn(pool.arn())
                .sourceAccount(FunctionRef.accountOf(pool.arn())));
        String dlqArn = arnOf(sqs.createQueue(r -> r.queueName("dlq-" + suffix)
                        .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                .queueUrl());
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(6 * 30 + 1));
        attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "345600");
        if (redrive) {
            attributes.put(
                    QueueAttributeName.REDRIVE_POLICY,
                    "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"5\"}");
        }
        String queueUrl = sqs.createQueue(r -> r.queueName("queue-" + suffix).attributes(attributes))
                .queueUrl();
        String queueArn = arnOf(queueUrl);
        lambda.createEventSourceMapping(r -> r.eventSourceArn(queueArn)
                .functionName(provisionerAlias)
                .batchSize(10)
                .maximumBatchingWindowInSeconds(1)
                .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                .scalingConfig(s -> s.maximumConcurrency(5)));
        String table = "accounts-" + suffix;
        dynamoDb.createTable(r -> r.tableName(table)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .deletionProtectionEnabled(true)
                .sseSpecification(s -> s.enabled(true))
                .keySchema(k -> k.attributeName("accountId").keyType(KeyType.HASH))
                .attributeDefinitions(a -> a.attributeName("accountId").attributeType(ScalarAttributeType.S)));
        dynamoDb.updateContinuousBackups(
                r -> r.tableName(table).pointInTimeRecoverySpecification(p -> p.pointInTimeRecoveryEnabled(true)));
        String sender = "no-reply-" + suffix + "@example.com";
        ses.verifyEmailIdentity(r -> r.emailAddress(sender));
        // As EmailReputation builds it: the set, and bounces and complaints to an SNS topic.
        String configurationSet = "welcome-" + suffix;
        String topicArn;
        try (SnsClient sns = clients.build(SnsClient.builder(), "SNS")) {
            topicArn = sns.createTopic(r -> r.name("email-feedback-" + suffix)).topicArn();
        }
        ses.createConfigurationSet(r -> r.configurationSet(c -> c.name(configurationSet)));
        ses.createConfigurationSetEventDestination(r -> r.configurationSetName(configurationSet)
                .eventDestination(d -> d.name("bounces-and-complaints-" + configurationSet)
                        .enabled(true)
                        .matchingEventTypes(EventType.BOUNCE, EventType.COMPLAINT)
                        .snsDestination(s -> s.topicARN(topicArn))));
        return new Wiring(
                pool.id(),
                pool.arn(),
                trigger,
                triggerAlias,
                statementId,
                queueUrl,
                queueArn,
                table,
                sender,
                provisioner,
                configurationSet);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static String createFunction(String name, int timeoutSeconds) {
        return lambda.createFunction(r -> r.functionName(name)
                        .runtime(Runtime.JAVA21)
                        .role(role)
                        .timeout(timeoutSeconds)
                        .handler("dev.provisioning.Handler::handleRequest")
                        .code(c -> c.zipFile(zip())))
                .functionArn();
    }

    /** Publishes a version and points alias live at it, as infra does for SnapStart; returns the alias ARN. */
    private static String publishAlias(String functionArn) {
        String version = lambda.publishVersion(r -> r.functionName(functionArn)).version();
        return lambda.createAlias(r -> r.functionName(functionArn).name("live").functionVersion(version))
                .aliasArn();
    }

    private static UserPoolType poolInvoking(String function) {
        return cognito.createUserPool(
                        r -> r.poolName("pool-" + suffix()).lambdaConfig(c -> c.postConfirmation(function)))
                .userPool();
    }

    private static void addPermission(Wiring wiring, String sid, String sourceArn, String sourceAccount) {
        lambda.addPermission(r -> r.functionName(wiring.triggerArn())
                .qualifier("live")
                .statementId(sid)
                .action("lambda:InvokeFunction")
                .principal("cognito-idp.amazonaws.com")
                .sourceArn(sourceArn)
                .sourceAccount(sourceAccount));
    }

    private static String policyOf(Wiring wiring) {
        return lambda.getPolicy(r -> r.functionName(wiring.triggerArn()).qualifier("live"))
                .policy();
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

    private static List<String> replace(List<String> args, String option, String value) {
        List<String> all = new ArrayList<>(args);
        all.set(all.indexOf(option) + 1, value);
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
