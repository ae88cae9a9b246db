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

/** Template tests of the stack with a created user pool and default settings (one synth for the class). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProvisioningStackTest {

    private StackFixture fx;
    private String poolId;
    private String triggerAliasId;

    @BeforeAll
    void synth(@TempDir Path dir) {
        fx = StackFixture.synth(StackFixture.defaultSettings(dir));
        poolId = fx.logicalId(fx.stack().getUserPool());
        triggerAliasId = fx.logicalId(fx.stack().getTriggerAlias());
    }

    @Test
    void cognitoPermission_whenPoolCreated_sourceArnIsPoolGetAttAndSourceAccountIsSet() {
        List<Map<String, Object>> permissions = fx.resourcesOfType("AWS::Lambda::Permission");

        assertThat(permissions).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) permissions.get(0).get("Properties");
        assertThat(props)
                .containsEntry("Action", "lambda:InvokeFunction")
                .containsEntry("Principal", "cognito-idp.amazonaws.com")
                .containsEntry("FunctionName", Map.of("Ref", triggerAliasId))
                .containsEntry("SourceArn", Map.of("Fn::GetAtt", List.of(poolId, "Arn")))
                .containsEntry("SourceAccount", Map.of("Ref", "AWS::AccountId"));
    }

    @Test
    void template_whenSynthesized_containsNoLiteralCognitoArn() {
        String whole = fx.json().toString();

        assertThat(whole).doesNotContain("arn:aws:cognito-idp").doesNotContain("userpool/");
    }

    @Test
    void userPool_whenCreated_postConfirmationPointsAtLiveAliasOfCurrentVersion() {
        assertThat(fx.properties(poolId))
                .containsEntry("LambdaConfig", Map.of("PostConfirmation", Map.of("Ref", triggerAliasId)))
                .containsEntry("UsernameAttributes", List.of("email"))
                .containsEntry("AutoVerifiedAttributes", List.of("email"));
        assertThat(fx.resource(poolId)).containsEntry("DeletionPolicy", "Retain");
        assertThat(fx.properties(triggerAliasId))
                .containsEntry("Name", "live")
                .containsEntry(
                        "FunctionVersion",
                        fx.resolve(fx.stack()
                                .getTriggerFunction()
                                .getCurrentVersion()
                                .getVersion()));
        @SuppressWarnings("unchecked")
        Map<String, Object> adminCreate =
                (Map<String, Object>) fx.properties(poolId).get("AdminCreateUserConfig");
        assertThat(adminCreate).containsEntry("AllowAdminCreateUserOnly", false);
    }

    @Test
    void functions_whenSynthesized_useJava25SnapStartAndContractHandlers() {
        Map<String, Object> trigger = fx.properties(fx.logicalId(fx.stack().getTriggerFunction()));
        Map<String, Object> provisioner = fx.properties(fx.logicalId(fx.stack().getProvisionerFunction()));

        assertThat(fx.resourcesOfType("AWS::Lambda::Function")).hasSize(2);
        for (Map<String, Object> fn : List.of(trigger, provisioner)) {
            assertThat(fn)
                    .containsEntry("Runtime", "java25")
                    .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"));
            assertThat(((Number) fn.get("MemorySize")).intValue()).isEqualTo(1024);
        }
        assertThat(trigger).containsEntry("Handler", "dev.provisioning.trigger.PostConfirmationHandler::handleRequest");
        assertThat(((Number) trigger.get("Timeout")).intValue()).isEqualTo(4);
        assertThat(provisioner)
                .containsEntry("Handler", "dev.provisioning.provisioner.ProvisionerHandler::handleRequest");
        assertThat(((Number) provisioner.get("Timeout")).intValue()).isEqualTo(30);
    }

    @Test
    void configurationSet_whenSynthesized_suppressesAndPublishesBouncesAndComplaintsToItsTopic() {
        Object setName = fx.resolve(fx.stack().getConfigurationSet().getConfigurationSetName());
        fx.template()
                .hasResourceProperties(
                        "AWS::SES::ConfigurationSet",
                        Map.of(
                                "SuppressionOptions",
                                Map.of("SuppressedReasons", List.of("BOUNCE", "COMPLAINT")),
                                "ReputationOptions",
                                Map.of("ReputationMetricsEnabled", true)));
        fx.template()
                .hasResourceProperties(
                        "AWS::SES::ConfigurationSetEventDestination",
                        Map.of(
                                "ConfigurationSetName",
                                setName,
                                "EventDestination",
                                Map.of(
                                        "Name",
                                        EmailReputation.EVENT_DESTINATION,
                                        "Enabled",
                                        true,
                                        "MatchingEventTypes",
                                        List.of("bounce", "complaint"),
                                        "SnsDestination",
                                        Map.of(
                                                "TopicARN",
                                                fx.resolve(fx.stack()
                                                        .getEmailFeedbackTopic()
                                                        .getTopicArn())))));
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Handler",
                                "dev.provisioning.provisioner.ProvisionerHandler::handleRequest",
                                "Environment",
                                Map.of("Variables", Match.objectLike(Map.of("SES_CONFIGURATION_SET", setName)))));
    }

    @Test
    void triggerEnvironment_whenDefaults_namesQueuePolicyAndTimeout() {
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Handler",
                                "dev.provisioning.trigger.PostConfirmationHandler::handleRequest",
                                "Environment",
                                Map.of(
                                        "Variables",
                                        Map.of(
                                                "QUEUE_URL",
                                                        fx.resolve(fx.stack()
                                                                .getQueue()
                                                                .getQueueUrl()),
                                                "ENQUEUE_FAILURE_POLICY", "FAIL_OPEN",
                                                "ENQUEUE_TIMEOUT_MS", "2000"))));
    }

    @Test
    void provisionerEnvironment_whenDefaults_namesTableSenderQueuesBackoffAndNamespace() {
        fx.template()
                .hasResourceProperties(
                        "AWS::Lambda::Function",
                        Map.of(
                                "Handler",
                                "dev.provisioning.provisioner.ProvisionerHandler::handleRequest",
                                "Environment",
                                Map.of(
                                        "Variables",
                                        Map.of(
                                                "TABLE_NAME",
                                                fx.resolve(fx.stack().getTable().getTableName()),
                                                "SENDER_ADDRESS",
                                                StackFixture.SENDER,
                                                "QUEUE_URL",
                                                fx.resolve(fx.stack().getQueue().getQueueUrl()),
                                                "DLQ_URL",
                                                fx.resolve(fx.stack()
                                                        .getDeadLetterQueue()
                                                        .getQueueUrl()),
                                                "BACKOFF_BASE_SECONDS",
                                                "2",
                                                "BACKOFF_CAP_SECONDS",
                                                "300",
                                                "METRICS_NAMESPACE",
                                                "CognitoProvisioning"))));
    }

    @Test
    void triggerPolicy_whenSynthesized_allowsOnlySendAndPrimingOnQueueAndItsOwnLogGroup() {
        Object queueArn = fx.resolve(fx.stack().getQueue().getQueueArn());
        Object logGroupArn = fx.resolve(fx.stack().getTriggerLogGroup().getLogGroupArn());

        List<Grant> grants =
                StackFixture.grants(fx.statementsOf(fx.logicalId(fx.stack().getTriggerRole())));

        assertThat(grants)
                .containsExactlyInAnyOrder(
                        Grant.allow("sqs:SendMessage", queueArn),
                        // TriggerRuntime.prime(): GetQueueAttributes(QueueArn) at init and before the checkpoint.
                        Grant.allow("sqs:GetQueueAttributes", queueArn),
                        Grant.allow("logs:CreateLogStream", logGroupArn),
                        Grant.allow("logs:PutLogEvents", logGroupArn));
    }

    @Test
    void provisionerPolicy_whenSynthesized_allowsOnlyListedActionsOnListedResources() {
        Object tableArn = fx.resolve(fx.stack().getTable().getTableArn());
        Object queueArn = fx.resolve(fx.stack().getQueue().getQueueArn());
        Object dlqArn = fx.resolve(fx.stack().getDeadLetterQueue().getQueueArn());
        Object logGroupArn = fx.resolve(fx.stack().getProvisionerLogGroup().getLogGroupArn());
        Object addressIdentity = StackFixture.sesIdentityArn(StackFixture.SENDER);
        Object domainIdentity = StackFixture.sesIdentityArn("example.com");
        Object fromSender = Map.of("StringEquals", Map.of("ses:FromAddress", StackFixture.SENDER));
        Object inNamespace = Map.of("StringEquals", Map.of("cloudwatch:namespace", MetricNames.DEFAULT_NAMESPACE));

        List<Grant> grants =
                StackFixture.grants(fx.statementsOf(fx.logicalId(fx.stack().getProvisionerRole())));

        assertThat(grants)
                .containsExactlyInAnyOrder(
                        Grant.allow("dynamodb:PutItem", tableArn),
                        Grant.allow("dynamodb:UpdateItem", tableArn),
                        Grant.allow("ses:SendEmail", addressIdentity, fromSender),
                        Grant.allow("ses:SendEmail", domainIdentity, fromSender),
                        Grant.allow("ses:SendEmail", fx.resolve(fx.stack().getConfigurationSetArn()), fromSender),
                        Grant.allow("sqs:ReceiveMessage", queueArn),
                        Grant.allow("sqs:DeleteMessage", queueArn),
                        Grant.allow("sqs:GetQueueAttributes", queueArn),
                        Grant.allow("sqs:ChangeMessageVisibility", queueArn),
                        Grant.allow("sqs:SendMessage", dlqArn),
                        Grant.allow("cloudwatch:PutMetricData", "*", inNamespace),
                        Grant.allow("logs:CreateLogStream", logGroupArn),
                        Grant.allow("logs:PutLogEvents", logGroupArn));
    }

    @Test
    void allPolicies_whenSynthesized_haveNoWildcardActionsAndStarResourceOnlyForNamespacedPutMetricData() {
        List<Map<String, Object>> statements = fx.resourcesOfType("AWS::IAM::Policy").stream()
                .flatMap(policy -> {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> doc = (Map<String, Object>)
                            ((Map<String, Object>) policy.get("Properties")).get("PolicyDocument");
                    @SuppressWarnings("unchecked")
                    List<Map<String, Object>> list = (List<Map<String, Object>>) doc.get("Statement");
                    return list.stream();
                })
                .toList();

        assertThat(StackFixture.grants(statements)).isNotEmpty().allSatisfy(grant -> {
            assertThat(grant.action()).doesNotContain("*");
            if ("*".equals(grant.resource())) {
                assertThat(grant.action()).isEqualTo("cloudwatch:PutMetricData");
                assertThat(grant.condition()).isNotNull();
            }
        });
    }

    @Test
    void roles_whenSynthesized_haveNoManagedPoliciesAndOnlyLambdaCanAssumeThem() {
        List<Map<String, Object>> roles = fx.resourcesOfType("AWS::IAM::Role");

        assertThat(roles).hasSize(2).allSatisfy(role -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) role.get("Properties");
            assertThat(props).doesNotContainKey("ManagedPolicyArns").doesNotContainKey("Policies");
            assertThat(props.get("AssumeRolePolicyDocument").toString()).contains("lambda.amazonaws.com");
        });
    }

    @Test
    void queue_whenSynthesized_redrivesAfterFiveReceivesAndHidesSixTimeoutsPlusWindow() {
        Map<String, Object> queue = fx.properties(fx.logicalId(fx.stack().getQueue()));
        @SuppressWarnings("unchecked")
        Map<String, Object> redrive = (Map<String, Object>) queue.get("RedrivePolicy");

        assertThat(((Number) redrive.get("maxReceiveCount")).intValue()).isGreaterThanOrEqualTo(5);
        assertThat(redrive.get("deadLetterTargetArn"))
                .isEqualTo(fx.resolve(fx.stack().getDeadLetterQueue().getQueueArn()));
        assertThat(((Number) queue.get("VisibilityTimeout")).intValue()).isGreaterThanOrEqualTo(6 * 30 + 1);
    }

    @Test
    void queues_whenSynthesized_useSqsManagedSseAndDenyNonTls() {
        for (var queue : List.of(fx.stack().getQueue(), fx.stack().getDeadLetterQueue())) {
            assertThat(fx.properties(fx.logicalId(queue))).containsEntry("SqsManagedSseEnabled", true);
            fx.template()
                    .hasResourceProperties(
                            "AWS::SQS::QueuePolicy",
                            Map.of(
                                    "Queues", List.of(fx.resolve(queue.getQueueUrl())),
                                    "PolicyDocument",
                                            Map.of(
                                                    "Statement",
                                                    Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                            "Effect",
                                                            "Deny",
                                                            "Condition",
                                                            Map.of(
                                                                    "Bool",
                                                                    Map.of("aws:SecureTransport", "false")))))))));
        }
    }

    @Test
    void deadLetterQueue_whenSynthesized_retainsFourteenDaysLongerThanMainQueue() {
        Map<String, Object> dlq = fx.properties(fx.logicalId(fx.stack().getDeadLetterQueue()));
        Map<String, Object> queue = fx.properties(fx.logicalId(fx.stack().getQueue()));

        assertThat(((Number) dlq.get("MessageRetentionPeriod")).intValue()).isEqualTo(14 * 24 * 3600);
        assertThat(((Number) queue.get("MessageRetentionPeriod")).intValue())
                .isLessThan(((Number) dlq.get("MessageRetentionPeriod")).intValue());
    }

    @Test
    void mapping_whenDefaults_invokesProvisionerAliasWithBatchFailuresAndConcurrencyLimit() {
        Map<String, Object> mapping = fx.properties(fx.logicalId(fx.stack().getMapping()));

        assertThat(mapping)
                .containsEntry(
                        "EventSourceArn", fx.resolve(fx.stack().getQueue().getQueueArn()))
                .containsEntry("FunctionResponseTypes", List.of("ReportBatchItemFailures"));
        assertThat(((Number) mapping.get("BatchSize")).intValue()).isEqualTo(10);
        assertThat(((Number) mapping.get("MaximumBatchingWindowInSeconds")).intValue())
                .isEqualTo(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> scaling = (Map<String, Object>) mapping.get("ScalingConfig");
        assertThat(((Number) scaling.get("MaximumConcurrency")).intValue()).isEqualTo(5);
        assertThat(mapping.get("FunctionName").toString())
                .contains(fx.logicalId(fx.stack().getProvisionerAlias()))
                .contains(":live");
        assertThat(fx.resource(fx.logicalId(fx.stack().getMapping()))
                        .get("DependsOn")
                        .toString())
                .contains("ProvisionerRoleDefaultPolicy");
    }

    @Test
    void table_whenSynthesized_isOnDemandWithPitrDeletionProtectionAwsManagedSseAndRetained() {
        String tableId = fx.logicalId(fx.stack().getTable());

        assertThat(fx.properties(tableId))
                .containsEntry("TableName", "accounts")
                .containsEntry("KeySchema", List.of(Map.of("AttributeName", "accountId", "KeyType", "HASH")))
                .containsEntry(
                        "AttributeDefinitions", List.of(Map.of("AttributeName", "accountId", "AttributeType", "S")))
                .containsEntry("BillingMode", "PAY_PER_REQUEST")
                .containsEntry("PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true))
                .containsEntry("DeletionProtectionEnabled", true)
                .containsEntry("SSESpecification", Map.of("SSEEnabled", true));
        assertThat(fx.resource(tableId))
                .containsEntry("DeletionPolicy", "Retain")
                .containsEntry("UpdateReplacePolicy", "Retain");
    }

    @Test
    void senderIdentity_whenNotExisting_isCreatedForTheSenderAddress() {
        fx.template().resourceCountIs("AWS::SES::EmailIdentity", 1);
        fx.template().hasResourceProperties("AWS::SES::EmailIdentity", Map.of("EmailIdentity", StackFixture.SENDER));
    }

    @Test
    void alarms_whenSynthesized_watchDlqQueueAgeTriggerErrorsDurationAndCustomMetrics() {
        String triggerName = fx.logicalId(fx.stack().getTriggerFunction());
        String provisionerName = fx.logicalId(fx.stack().getProvisionerFunction());

        fx.template().resourceCountIs("AWS::CloudWatch::Alarm", 8);
        alarm(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                "Maximum",
                0,
                "QueueName",
                fx.resolve(fx.stack().getDeadLetterQueue().getQueueName()));
        alarm(
                "AWS/SQS",
                "ApproximateAgeOfOldestMessage",
                "Maximum",
                300,
                "QueueName",
                fx.resolve(fx.stack().getQueue().getQueueName()));
        alarm("AWS/Lambda", "Errors", "Sum", 0, "FunctionName", Map.of("Ref", triggerName));
        fx.template()
                .hasResourceProperties(
                        "AWS::CloudWatch::Alarm",
                        Map.of(
                                "Namespace", "AWS/Lambda",
                                "MetricName", "Duration",
                                "ExtendedStatistic", "p99",
                                "Threshold", 3000,
                                "ComparisonOperator", "GreaterThanThreshold",
                                "Dimensions",
                                        List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", triggerName)))));
        alarm(
                MetricNames.DEFAULT_NAMESPACE,
                MetricNames.TRIGGER_ENQUEUE_FAILED,
                "Sum",
                0,
                MetricNames.DIMENSION_FUNCTION,
                Map.of("Ref", triggerName));
        fx.template()
                .hasResourceProperties(
                        "AWS::CloudWatch::Alarm",
                        Map.of(
                                "Namespace",
                                MetricNames.DEFAULT_NAMESPACE,
                                "MetricName",
                                MetricNames.Published.LATENCY_MAX,
                                "Statistic",
                                "Maximum",
                                "Dimensions",
                                List.of(Map.of(
                                        "Name",
                                        MetricNames.DIMENSION_FUNCTION,
                                        "Value",
                                        Map.of("Ref", provisionerName)))));
    }

    private void alarm(
            String namespace, String metric, String statistic, int threshold, String dimension, Object dimensionValue) {
        fx.template()
                .hasResourceProperties(
                        "AWS::CloudWatch::Alarm",
                        Map.of(
                                "Namespace", namespace,
                                "MetricName", metric,
                                "Statistic", statistic,
                                "Threshold", threshold,
                                "ComparisonOperator", "GreaterThanThreshold",
                                "Dimensions", List.of(Map.of("Name", dimension, "Value", dimensionValue))));
    }

    @Test
    void alarms_whenNoTopicConfigured_haveNoActions() {
        assertThat(fx.resourcesOfType("AWS::CloudWatch::Alarm"))
                .allSatisfy(
                        alarm -> assertThat(alarm.get("Properties").toString()).doesNotContain("AlarmActions"));
    }

    @Test
    void dashboard_whenSynthesized_showsTheFlowAndCustomCounters() {
        fx.template().resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        String body = fx.resourcesOfType("AWS::CloudWatch::Dashboard").get(0).toString();

        assertThat(body)
                .contains(
                        "Invocations",
                        "Errors",
                        "Duration",
                        "ApproximateAgeOfOldestMessage",
                        "ApproximateNumberOfMessagesVisible",
                        MetricNames.TRIGGER_ENQUEUE_FAILED,
                        MetricNames.Published.LATENCY_MAX,
                        MetricNames.Published.ACCOUNT_CREATED,
                        MetricNames.Published.EMAIL_SENT,
                        MetricNames.Published.RECORDS);
    }

    @Test
    void dashboard_whenSynthesized_showsTheTriggersThrottlesSkipsAndOwnDuration() {
        String body = fx.resourcesOfType("AWS::CloudWatch::Dashboard").get(0).toString();

        assertThat(body).contains("Throttles", MetricNames.TRIGGER_SKIPPED, MetricNames.TRIGGER_DURATION);
    }

    @Test
    void outputs_whenSynthesized_namePoolQueuesTableAndFunctions() {
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) fx.json().get("Outputs");

        assertThat(outputs)
                .containsKeys(
                        "UserPoolId",
                        "QueueUrl",
                        "DeadLetterQueueUrl",
                        "TableName",
                        "TriggerFunctionName",
                        "ProvisionerFunctionName",
                        "TriggerAliasArn");
        assertThat(outputs).doesNotContainKey("ImportedUserPoolWiring");
    }
}
