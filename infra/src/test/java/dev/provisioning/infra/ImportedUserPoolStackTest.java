package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.MetricNames;
import dev.provisioning.infra.StackFixture.Grant;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.assertions.Match;

/** Template tests of the variant that imports an existing pool, with every optional context key set. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ImportedUserPoolStackTest {

    static final String POOL_ID = "eu-central-1_DYtybOJbi";
    static final String TOPIC = "arn:aws:sns:eu-central-1:123456789012:provisioning-alarms";

    private StackFixture fx;

    @BeforeAll
    void synth(@TempDir Path dir) {
        Path trigger = StackFixture.jar(dir.resolve("t.jar"));
        Path provisioner = StackFixture.jar(dir.resolve("p.jar"));
        Map<String, Object> context = Map.ofEntries(
                Map.entry(StackSettings.USER_POOL_ID, POOL_ID),
                Map.entry(StackSettings.SENDER_ADDRESS, StackFixture.SENDER),
                Map.entry(StackSettings.SENDER_IDENTITY_EXISTS, "true"),
                Map.entry(StackSettings.BATCH_SIZE, 100.0),
                Map.entry(StackSettings.BATCHING_WINDOW_SECONDS, "5"),
                Map.entry(StackSettings.MAX_CONCURRENCY, 20),
                Map.entry(StackSettings.PROVISIONER_TIMEOUT_SECONDS, "45"),
                Map.entry(StackSettings.USER_SERVICE_URL, "https://users.example.com/v1/users"),
                Map.entry(StackSettings.ENQUEUE_FAILURE_POLICY, "fail_closed"),
                Map.entry(StackSettings.ALARM_TOPIC_ARN, TOPIC),
                Map.entry(StackSettings.TRIGGER_JAR, trigger.getFileName().toString()),
                Map.entry(StackSettings.PROVISIONER_JAR, provisioner.toString()));
        fx = StackFixture.synth(StackSettings.fromContext(context::get, dir));
    }

    @Test
    void userPool_whenImported_isNotCreatedOrModified() {
        fx.template().resourceCountIs("AWS::Cognito::UserPool", 0);
        fx.template().resourceCountIs("AWS::Cognito::UserPoolLambdaConfig", 0);
        assertThat(fx.json().toString()).doesNotContain("Custom::AWS").doesNotContain("UpdateUserPool");
    }

    @Test
    void cognitoPermission_whenPoolImported_usesImportedPoolArnAndSourceAccount() {
        fx.template().resourceCountIs("AWS::Lambda::Permission", 1);
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Permission",
                        Map.of(
                                "Principal", "cognito-idp.amazonaws.com",
                                "FunctionName",
                                        Map.of("Ref", fx.logicalId(fx.stack().getTriggerAlias())),
                                "SourceAccount", Map.of("Ref", "AWS::AccountId"),
                                "SourceArn", fx.resolve(fx.stack().getUserPool().getUserPoolArn())));
        String sourceArn = fx.resolve(fx.stack().getCognitoInvokePermission().getSourceArn())
                .toString();
        assertThat(sourceArn).contains(":cognito-idp:", ":userpool/" + POOL_ID, "AWS::AccountId");
        assertThat(fx.json().toString()).doesNotContain("arn:aws:cognito-idp");
    }

    @Test
    void rules_whenPoolImported_assertStackRegionIsThePoolsRegion() {
        @SuppressWarnings("unchecked")
        Map<String, Object> rules = (Map<String, Object>) fx.json().get("Rules");

        assertThat(rules).containsKey("ImportedUserPoolRegion");
        assertThat(rules.get("ImportedUserPoolRegion").toString())
                .contains("Fn::Equals", "AWS::Region", "eu-central-1");
    }

    @Test
    void outputs_whenPoolImported_tellTheOperatorHowToWireThePool() {
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) fx.json().get("Outputs");

        assertThat(outputs).containsKeys("ImportedUserPoolWiring", "TriggerAliasArn");
        assertThat(outputs.get("UserPoolId").toString()).contains(POOL_ID);
        assertThat(outputs.get("ImportedUserPoolWiring").toString())
                .contains(POOL_ID, "PostConfirmation", "describe-user-pool", "pipeline doctor")
                .doesNotContain("doctor --fix");
    }

    @Test
    void senderIdentity_whenItAlreadyExists_isNotCreatedButStillScopesTheGrant() {
        fx.template().resourceCountIs("AWS::SES::EmailIdentity", 0);
        fx.template()
                .hasResourceProperties(
                        "AWS::IAM::Policy",
                        Map.of(
                                "PolicyDocument",
                                Map.of(
                                        "Statement",
                                        Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                "Action",
                                                "ses:SendEmail",
                                                "Condition",
                                                Map.of(
                                                        "StringEquals",
                                                        Map.of("ses:FromAddress", StackFixture.SENDER)))))))));
    }

    @Test
    void policies_whenPoolImported_grantExactlyWhatEachFunctionNeeds() {
        Object queueArn = fx.resolve(fx.stack().getQueue().getQueueArn());
        Object dlqArn = fx.resolve(fx.stack().getDeadLetterQueue().getQueueArn());
        Object tableArn = fx.resolve(fx.stack().getTable().getTableArn());
        Object triggerLogs = fx.resolve(fx.stack().getTriggerLogGroup().getLogGroupArn());
        Object provisionerLogs = fx.resolve(fx.stack().getProvisionerLogGroup().getLogGroupArn());
        Object address = StackFixture.sesIdentityArn(StackFixture.SENDER);
        Object domain = StackFixture.sesIdentityArn("example.com");
        Object fromSender = Map.of("StringEquals", Map.of("ses:FromAddress", StackFixture.SENDER));
        Object inNamespace = Map.of("StringEquals", Map.of("cloudwatch:namespace", MetricNames.DEFAULT_NAMESPACE));
        Object userServiceKey = Map.of(
                "Ref",
                fx.resources().entrySet().stream()
                        .filter(e -> String.valueOf(e.getValue()).contains("AWS::SecretsManager::Secret"))
                        .map(Map.Entry::getKey)
                        .findFirst()
                        .orElseThrow());

        List<Grant> trigger =
                StackFixture.grants(fx.statementsOf(fx.logicalId(fx.stack().getTriggerRole())));
        List<Grant> provisioner =
                StackFixture.grants(fx.statementsOf(fx.logicalId(fx.stack().getProvisionerRole())));

        assertThat(trigger)
                .containsExactlyInAnyOrder(
                        Grant.allow("sqs:SendMessage", queueArn),
                        Grant.allow("sqs:GetQueueAttributes", queueArn),
                        Grant.allow("logs:CreateLogStream", triggerLogs),
                        Grant.allow("logs:PutLogEvents", triggerLogs));
        // The existing identity may be the address or its domain: both ARNs, the address pinned by the condition.
        assertThat(provisioner)
                .containsExactlyInAnyOrder(
                        Grant.allow("dynamodb:PutItem", tableArn),
                        Grant.allow("dynamodb:UpdateItem", tableArn),
                        Grant.allow("ses:SendEmail", address, fromSender),
                        Grant.allow("ses:SendEmail", domain, fromSender),
                        Grant.allow("ses:SendEmail", fx.resolve(fx.stack().getConfigurationSetArn()), fromSender),
                        Grant.allow("sqs:ReceiveMessage", queueArn),
                        Grant.allow("sqs:DeleteMessage", queueArn),
                        Grant.allow("sqs:GetQueueAttributes", queueArn),
                        Grant.allow("sqs:ChangeMessageVisibility", queueArn),
                        Grant.allow("sqs:SendMessage", dlqArn),
                        Grant.allow("cloudwatch:PutMetricData", "*", inNamespace),
                        Grant.allow("logs:CreateLogStream", provisionerLogs),
                        Grant.allow("logs:PutLogEvents", provisionerLogs),
                        // The user service is configured: its API key secret, and nothing else of Secrets Manager.
                        Grant.allow("secretsmanager:GetSecretValue", userServiceKey),
                        Grant.allow("secretsmanager:DescribeSecret", userServiceKey));
        fx.template().resourceCountIs("AWS::IAM::Policy", 2);
    }

    @Test
    void mapping_whenContextSet_usesItsBatchWindowConcurrencyAndTimeout() {
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::EventSourceMapping",
                        Map.of(
                                "BatchSize",
                                100,
                                "MaximumBatchingWindowInSeconds",
                                5,
                                "FunctionResponseTypes",
                                List.of("ReportBatchItemFailures"),
                                "ScalingConfig",
                                Map.of("MaximumConcurrency", 20)));
        fx.template().hasResourceProperties("AWS::SQS::Queue", Map.of("VisibilityTimeout", 6 * 45 + 5));
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Handler",
                                "dev.provisioning.provisioner.ProvisionerHandler::handleRequest",
                                "Timeout",
                                45));
    }

    @Test
    void environment_whenContextSet_passesPolicyAndUserServiceUrl() {
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Environment",
                                Map.of(
                                        "Variables",
                                        Match.objectLike(Map.of("ENQUEUE_FAILURE_POLICY", "FAIL_CLOSED")))));
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Environment",
                                Map.of(
                                        "Variables",
                                        Match.objectLike(
                                                Map.of("USER_SERVICE_URL", "https://users.example.com/v1/users")))));
    }

    @Test
    void alarms_whenTopicConfigured_notifyIt() {
        assertThat(fx.resourcesOfType("AWS::CloudWatch::Alarm")).hasSize(8).allSatisfy(alarm -> assertThat(
                        alarm.get("Properties").toString())
                .contains("AlarmActions=[" + TOPIC + "]"));
    }
}
