package dev.provisioning.infra;

import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.MetricNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.CfnRule;
import software.amazon.awscdk.CfnRuleAssertion;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TextWidget;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolOperation;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Permission;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.ses.EmailIdentity;
import software.amazon.awscdk.services.ses.Identity;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The whole provisioning pipeline as one CloudFormation stack: user pool trigger, queue and DLQ, provisioner,
 * accounts table, SES identity, least-privilege roles, alarms and dashboard; it owns every resource it creates
 * (the table and a created pool are retained on deletion) and never modifies an imported pool.
 */
public final class ProvisioningStack extends Stack {

    /** Cognito's service principal, the only caller allowed to invoke the trigger. */
    public static final String COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com";
    /** Name of the alias that Cognito and the event source mapping invoke (SnapStart needs a published version). */
    public static final String LIVE_ALIAS = "live";
    /** Trigger timeout: Cognito waits 5 s in total for a trigger, so leave room for its own overhead. */
    public static final Duration TRIGGER_TIMEOUT = Duration.seconds(4);
    /** Receives before the queue moves a message to the DLQ. */
    public static final int MAX_RECEIVE_COUNT = 5;
    /** Age of the oldest queued message (seconds) above which provisioning is considered stalled. */
    public static final int QUEUE_AGE_ALARM_SECONDS = 300;
    /** Trigger p99 duration (ms) that is too close to Cognito's 5 s budget. */
    public static final int TRIGGER_DURATION_P99_ALARM_MS = 3000;
    /**
     * Largest confirmation-to-account latency (ms) of a minute above which sign-ups wait too long. On the
     * published maximum, not a p99: Micrometer publishes per-invocation aggregates (sum, count, avg, max),
     * from which CloudWatch cannot compute a percentile of individual sign-ups.
     */
    public static final int PROVISIONING_LATENCY_MAX_ALARM_MS = 60_000;

    private static final String TRIGGER_HANDLER = "dev.provisioning.trigger.PostConfirmationHandler::handleRequest";
    private static final String PROVISIONER_HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";

    private final IUserPool userPool;
    private final Queue queue;
    private final Queue deadLetterQueue;
    private final Table table;
    private final Function triggerFunction;
    private final Alias triggerAlias;
    private final Function provisionerFunction;
    private final Alias provisionerAlias;
    private final Role triggerRole;
    private final Role provisionerRole;
    private final LogGroup triggerLogGroup;
    private final LogGroup provisionerLogGroup;
    private final CfnPermission cognitoInvokePermission;
    private final EventSourceMapping mapping;
    private final List<Alarm> alarms = new ArrayList<>();

    /** Builds the stack from validated settings. */
    public ProvisioningStack(Construct scope, String id, StackProps props, StackSettings settings) {
        super(scope, id, props);

        // --- Queue and DLQ -------------------------------------------------------------------------------
        deadLetterQueue = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        queue = Queue.Builder.create(this, "SignupQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(settings.visibilityTimeoutSeconds()))
                // Shorter than the DLQ's: a dead-lettered message keeps its original enqueue time.
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetterQueue)
                        .maxReceiveCount(MAX_RECEIVE_COUNT)
                        .build())
                .build();

        // --- Table --------------------------------------------------------------------------------------
        table = Table.Builder.create(this, "AccountsTable")
                .tableName(settings.tableName())
                .partitionKey(Attribute.builder()
                        .name("accountId") // "<userPoolId>#<sub>"
                        .type(AttributeType.STRING)
                        .build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder()
                        .pointInTimeRecoveryEnabled(true)
                        .build())
                .deletionProtection(true)
                .encryption(TableEncryption.AWS_MANAGED)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();

        // --- SES identity -------------------------------------------------------------------------------
        // SES authorises a send against the identity that verifies the sender: the address itself, or (an existing
        // identity, senderIdentityExists) its domain or a parent domain. Grant all of them; ses:FromAddress below
        // still pins the exact address, so a domain identity does not widen what the provisioner may send as.
        List<String> senderIdentityArns = EmailAddresses.senderIdentities(settings.senderAddress()).stream()
                .map(identity -> formatArn(ArnComponents.builder()
                        .service("ses")
                        .resource("identity")
                        .resourceName(identity)
                        .build()))
                .toList();
        if (!settings.senderIdentityExists()) {
            EmailIdentity.Builder.create(this, "SenderIdentity")
                    .identity(Identity.email(settings.senderAddress()))
                    .build();
        }

        // --- Trigger ------------------------------------------------------------------------------------
        triggerLogGroup = logGroup("TriggerLogGroup");
        triggerRole = lambdaRole(
                "TriggerRole",
                "ingest-trigger: SendMessage to the signup queue (GetQueueAttributes to prime), nothing else");
        // GetQueueAttributes: TriggerRuntime.prime() reads the queue's ARN at init and before the SnapStart checkpoint,
        // so the snapshot holds a loaded request path; denied, every cold start pays that on the 5 s budget instead.
        triggerRole.addToPolicy(
                allow(List.of("sqs:SendMessage", "sqs:GetQueueAttributes"), List.of(queue.getQueueArn())));
        triggerLogGroup.grantWrite(triggerRole);
        triggerFunction = Function.Builder.create(this, "IngestTrigger")
                .description("Cognito PostConfirmation: one SendMessage, returns the event")
                .runtime(settings.javaRuntime().runtime())
                .handler(TRIGGER_HANDLER)
                .code(Code.fromAsset(settings.triggerJar().toString()))
                .memorySize(1024)
                .timeout(TRIGGER_TIMEOUT)
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(triggerRole)
                .logGroup(triggerLogGroup)
                .environment(Map.of(
                        FunctionEnvironment.QUEUE_URL, queue.getQueueUrl(),
                        FunctionEnvironment.ENQUEUE_FAILURE_POLICY,
                                settings.enqueueFailurePolicy().name(),
                        FunctionEnvironment.ENQUEUE_TIMEOUT_MS, Integer.toString(settings.enqueueTimeoutMs()),
                        FunctionEnvironment.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE))
                .build();
        ignoreRedundantRoleDependency(triggerFunction);
        triggerAlias = Alias.Builder.create(this, "IngestTriggerLive")
                .aliasName(LIVE_ALIAS)
                .version(triggerFunction.getCurrentVersion())
                .build();

        // --- User pool and the trigger's invoke permission -------------------------------------------------
        if (settings.importsUserPool()) {
            userPool = UserPool.fromUserPoolId(this, "ImportedUserPool", settings.userPoolId());
            cognitoInvokePermission = permitImportedPool(settings.userPoolId());
        } else {
            UserPool created = UserPool.Builder.create(this, settings.userPoolConstructId())
                    .selfSignUpEnabled(true)
                    .signInAliases(SignInAliases.builder().email(true).build())
                    .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                    .accountRecovery(AccountRecovery.EMAIL_ONLY)
                    .removalPolicy(RemovalPolicy.RETAIN)
                    .build();
            created.addTrigger(UserPoolOperation.POST_CONFIRMATION, triggerAlias);
            userPool = created;
            cognitoInvokePermission = requireSourceAccountOnGeneratedPermission();
        }

        // --- Provisioner ------------------------------------------------------------------------------------
        provisionerLogGroup = logGroup("ProvisionerLogGroup");
        provisionerRole = lambdaRole("ProvisionerRole", "provisioner: accounts table, SES sender, queue, DLQ, metrics");
        provisionerRole.addToPolicy(
                allow(List.of("dynamodb:PutItem", "dynamodb:UpdateItem"), List.of(table.getTableArn())));
        provisionerRole.addToPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("ses:SendEmail"))
                .resources(senderIdentityArns)
                .conditions(Map.of("StringEquals", Map.of("ses:FromAddress", settings.senderAddress())))
                .build());
        // What the event source mapping needs, plus ChangeMessageVisibility for the handler's own backoff.
        provisionerRole.addToPolicy(allow(
                List.of(
                        "sqs:ReceiveMessage",
                        "sqs:DeleteMessage",
                        "sqs:GetQueueAttributes",
                        "sqs:ChangeMessageVisibility"),
                List.of(queue.getQueueArn())));
        // Permanent failures go straight to the DLQ with their reason.
        provisionerRole.addToPolicy(allow(List.of("sqs:SendMessage"), List.of(deadLetterQueue.getQueueArn())));
        // PutMetricData has no resource-level permissions; the namespace condition is the scope.
        provisionerRole.addToPolicy(PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(List.of("cloudwatch:PutMetricData"))
                .resources(List.of("*"))
                .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", MetricNames.DEFAULT_NAMESPACE)))
                .build());
        provisionerLogGroup.grantWrite(provisionerRole);

        Map<String, String> provisionerEnv = new LinkedHashMap<>();
        provisionerEnv.put(FunctionEnvironment.TABLE_NAME, table.getTableName());
        provisionerEnv.put(FunctionEnvironment.SENDER_ADDRESS, settings.senderAddress());
        provisionerEnv.put(FunctionEnvironment.QUEUE_URL, queue.getQueueUrl());
        provisionerEnv.put(FunctionEnvironment.DLQ_URL, deadLetterQueue.getQueueUrl());
        provisionerEnv.put(FunctionEnvironment.MAX_RECEIVE_COUNT, Integer.toString(MAX_RECEIVE_COUNT));
        if (settings.userServiceUrl() != null) {
            provisionerEnv.put(FunctionEnvironment.USER_SERVICE_URL, settings.userServiceUrl());
            // The API key lives in Secrets Manager, readable by this role only; the function reads it once at init.
            ISecret key = settings.userServiceKeySecretArn() != null
                    ? Secret.fromSecretCompleteArn(this, "UserServiceApiKey", settings.userServiceKeySecretArn())
                    : Secret.Builder.create(this, "UserServiceApiKey")
                            .description("API key the provisioner sends to the user service (X-Api-Key): set its value")
                            .build();
            key.grantRead(provisionerRole);
            provisionerEnv.put(FunctionEnvironment.USER_SERVICE_API_KEY_SECRET_ARN, key.getSecretArn());
        }
        // One record's deadline from the timeouts on its path (RecordBudget), checked against the timeout at synth
        // (StackSettings) and again by the function at start-up.
        provisionerEnv.put(
                FunctionEnvironment.AWS_API_CALL_TIMEOUT_MS,
                Long.toString(StackSettings.PROVISIONER_API_CALL_TIMEOUT.toMillis()));
        provisionerEnv.put(
                FunctionEnvironment.EMAIL_CLAIM_LEASE_SECONDS,
                Long.toString(StackSettings.PROVISIONER_EMAIL_CLAIM_LEASE.toSeconds()));
        provisionerEnv.put(
                FunctionEnvironment.RECORD_TIME_RESERVE_MS,
                Long.toString(settings.recordWorstCase().toMillis()));
        provisionerEnv.put(
                FunctionEnvironment.FUNCTION_TIMEOUT_SECONDS, Integer.toString(settings.provisionerTimeoutSeconds()));
        provisionerEnv.put(FunctionEnvironment.BACKOFF_BASE_SECONDS, "2");
        provisionerEnv.put(FunctionEnvironment.BACKOFF_CAP_SECONDS, "300");
        provisionerEnv.put(FunctionEnvironment.METRICS_NAMESPACE, MetricNames.DEFAULT_NAMESPACE);
        provisionerEnv.put(
                FunctionEnvironment.WELCOME_EMAIL_UNVERIFIED, settings.welcomeUnverifiedEmails() ? "send" : "skip");
        provisionerFunction = Function.Builder.create(this, "Provisioner")
                .description("SQS batch: account in DynamoDB, welcome email via SES, partial batch response")
                .runtime(settings.javaRuntime().runtime())
                .handler(PROVISIONER_HANDLER)
                .code(Code.fromAsset(settings.provisionerJar().toString()))
                .memorySize(1024)
                .timeout(Duration.seconds(settings.provisionerTimeoutSeconds()))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(provisionerRole)
                .logGroup(provisionerLogGroup)
                .environment(provisionerEnv)
                .build();
        ignoreRedundantRoleDependency(provisionerFunction);
        provisionerAlias = Alias.Builder.create(this, "ProvisionerLive")
                .aliasName(LIVE_ALIAS)
                .version(provisionerFunction.getCurrentVersion())
                .build();
        // The mapping invokes the alias so SnapStart applies; it is not granted anything implicitly.
        mapping = EventSourceMapping.Builder.create(this, "ProvisionerQueueMapping")
                .target(provisionerAlias)
                .eventSourceArn(queue.getQueueArn())
                .batchSize(settings.batchSize())
                .maxBatchingWindow(Duration.seconds(settings.batchingWindowSeconds()))
                .reportBatchItemFailures(true)
                .maxConcurrency(settings.maxConcurrency())
                .build();
        // CloudFormation validates the role's SQS permissions when it creates the mapping.
        mapping.getNode().addDependency(provisionerRole);

        // --- Alarms, dashboard, outputs -----------------------------------------------------------------------
        addAlarms(settings);
        addDashboard();
        addOutputs(settings);
    }

    private CfnPermission permitImportedPool(String userPoolId) {
        // The pool is not ours: CloudFormation cannot set its LambdaConfig without owning it, and UpdateUserPool
        // resets every setting it is not given. So the stack grants the invoke permission scoped to this pool's
        // ARN in this account, and the operator points the pool's PostConfirmation at the alias (`doctor` checks it).
        String poolRegion = userPoolId.substring(0, userPoolId.indexOf('_'));
        CfnRule.Builder.create(this, "ImportedUserPoolRegion")
                .assertions(List.of(CfnRuleAssertion.builder()
                        .assertValue(Fn.conditionEquals(Aws.REGION, poolRegion))
                        .assertDescription("userPoolId " + userPoolId + " lives in " + poolRegion
                                + ": deploy this stack to that region (Cognito invokes triggers in its own region)")
                        .build()))
                .build();
        triggerAlias.addPermission(
                "ImportedUserPoolInvoke",
                Permission.builder()
                        .principal(new ServicePrincipal(COGNITO_PRINCIPAL))
                        .action("lambda:InvokeFunction")
                        .sourceArn(userPool.getUserPoolArn())
                        .sourceAccount(Aws.ACCOUNT_ID)
                        .build());
        return findCognitoPermission();
    }

    private CfnPermission requireSourceAccountOnGeneratedPermission() {
        // UserPool.addTrigger generates the permission with SourceArn = the pool's GetAtt Arn, but without
        // SourceAccount; add it rather than replace the permission, so CDK keeps owning its wiring.
        CfnPermission generated = findCognitoPermission();
        if (generated.getSourceAccount() == null) {
            generated.setSourceAccount(Aws.ACCOUNT_ID);
        }
        return generated;
    }

    private CfnPermission findCognitoPermission() {
        List<CfnPermission> found = new ArrayList<>();
        // CDK scopes the generated permission under the user pool, ours under the alias: search the whole stack.
        Object aliasArn = resolve(triggerAlias.getFunctionArn());
        for (IConstruct child : getNode().findAll()) {
            if (child instanceof CfnPermission permission
                    && COGNITO_PRINCIPAL.equals(resolve(permission.getPrincipal()))
                    && aliasArn.equals(resolve(permission.getFunctionName()))) {
                found.add(permission);
            }
        }
        if (found.size() != 1) {
            throw new IllegalStateException(
                    "expected exactly one cognito-idp invoke permission for the trigger alias, found " + found.size());
        }
        return found.get(0);
    }

    /**
     * cfn-lint W3005 (a DependsOn that a GetAtt already implies): CDK makes a function depend on its role and the
     * role's default policy, so that the policy exists before the first invocation; the role half is redundant and
     * harmless. Ignored on these two resources only.
     */
    private static void ignoreRedundantRoleDependency(Function function) {
        if (function.getNode().getDefaultChild() instanceof CfnResource resource) {
            resource.addMetadata("cfn-lint", Map.of("config", Map.of("ignore_checks", List.of("W3005"))));
        }
    }

    private void addAlarms(StackSettings settings) {
        var alarmTopic = settings.alarmTopicArn() == null
                ? null
                : Topic.fromTopicArn(this, "AlarmTopic", settings.alarmTopicArn());
        alarm(
                "DeadLetterQueueNotEmpty",
                "Messages in the DLQ: a sign-up was not provisioned (inspect with `dlq`)",
                deadLetterQueue.metricApproximateNumberOfMessagesVisible(minute("Maximum")),
                0);
        alarm(
                "QueueOldestMessageAge",
                "Provisioning is stalled: the oldest queued sign-up is older than 5 minutes",
                queue.metricApproximateAgeOfOldestMessage(minute("Maximum")),
                QUEUE_AGE_ALARM_SECONDS);
        alarm(
                "TriggerErrors",
                "PostConfirmation trigger errors: users see a failed confirmation",
                triggerFunction.metricErrors(minute("Sum")),
                0);
        alarm(
                "TriggerThrottles",
                "The trigger was throttled: Cognito's invoke failed before our code ran, so neither Errors nor"
                        + " trigger.enqueue.failed count it; raise its concurrency, then run `reconcile`",
                triggerFunction.metricThrottles(minute("Sum")),
                0);
        alarm(
                "TriggerDurationP99",
                "Trigger p99 duration is near Cognito's 5 s budget",
                triggerFunction.metricDuration(minute("p99")),
                TRIGGER_DURATION_P99_ALARM_MS);
        alarm(
                "TriggerEnqueueFailed",
                "The trigger could not enqueue sign-ups: run `reconcile`",
                customMetric(MetricNames.TRIGGER_ENQUEUE_FAILED, triggerFunction, "Sum"),
                0);
        alarm(
                "ProvisioningConfigurationFailures",
                "Every sign-up hits a deployment fault (unverified SES sender, refused user-service key, access"
                        + " denied): records wait on the queue until it is fixed; see the failure reason in the logs",
                customMetric(MetricNames.Published.FAILURE_CONFIGURATION, provisionerFunction, "Sum"),
                0);
        alarm(
                "ProvisioningLatencyMax",
                "Confirmed users wait too long for their account (slowest sign-up of a minute)",
                customMetric(MetricNames.Published.LATENCY_MAX, provisionerFunction, "Maximum"),
                PROVISIONING_LATENCY_MAX_ALARM_MS);
        if (alarmTopic != null) {
            SnsAction action = new SnsAction(alarmTopic);
            alarms.forEach(alarm -> alarm.addAlarmAction(action));
        }
    }

    private void alarm(String id, String description, IMetric metric, int threshold) {
        alarms.add(Alarm.Builder.create(this, id)
                .alarmDescription(description)
                .metric(metric)
                .threshold(threshold)
                .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
                .evaluationPeriods(1)
                .treatMissingData(TreatMissingData.NOT_BREACHING)
                .build());
    }

    private static MetricOptions minute(String statistic) {
        return MetricOptions.builder()
                .period(Duration.minutes(1))
                .statistic(statistic)
                .build();
    }

    private static Metric customMetric(String name, Function function, String statistic) {
        return customMetric(name, Map.of(MetricNames.DIMENSION_FUNCTION, function.getFunctionName()), statistic);
    }

    /** A provisioner counter split by {@code outcome}, as {@code ProvisioningMetrics} publishes it. */
    private static Metric outcomeMetric(String name, Function function, String outcome) {
        return customMetric(
                name,
                Map.of(
                        MetricNames.DIMENSION_FUNCTION,
                        function.getFunctionName(),
                        MetricNames.DIMENSION_OUTCOME,
                        outcome),
                "Sum");
    }

    private static Metric customMetric(String name, Map<String, String> dimensions, String statistic) {
        return Metric.Builder.create()
                .namespace(MetricNames.DEFAULT_NAMESPACE)
                .metricName(name)
                .dimensionsMap(dimensions)
                .statistic(statistic)
                .period(Duration.minutes(1))
                .build();
    }

    private void addDashboard() {
        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").build();
        dashboard.addWidgets(TextWidget.Builder.create()
                .markdown("## Cognito confirmation → trigger → SQS → provisioner → DynamoDB + SES")
                .width(24)
                .height(1)
                .build());
        dashboard.addWidgets(
                graph(
                        "Trigger invocations / errors",
                        List.of(
                                triggerFunction.metricInvocations(minute("Sum")),
                                triggerFunction.metricErrors(minute("Sum")),
                                customMetric(MetricNames.TRIGGER_ENQUEUED, triggerFunction, "Sum"),
                                customMetric(MetricNames.TRIGGER_ENQUEUE_FAILED, triggerFunction, "Sum"))),
                graph(
                        "Trigger duration (p50, p99; budget 5 s)",
                        List.of(
                                triggerFunction.metricDuration(minute("p50")),
                                triggerFunction.metricDuration(minute("p99")))),
                graph(
                        "Queue depth and oldest message age",
                        List.of(
                                queue.metricApproximateNumberOfMessagesVisible(minute("Maximum")),
                                queue.metricApproximateNumberOfMessagesNotVisible(minute("Maximum")),
                                queue.metricApproximateAgeOfOldestMessage(minute("Maximum")))));
        dashboard.addWidgets(
                graph(
                        "DLQ depth",
                        List.of(deadLetterQueue.metricApproximateNumberOfMessagesVisible(minute("Maximum")))),
                graph(
                        "Provisioner invocations / errors / duration",
                        List.of(
                                provisionerFunction.metricInvocations(minute("Sum")),
                                provisionerFunction.metricErrors(minute("Sum")),
                                provisionerFunction.metricDuration(minute("p99")))),
                graph(
                        "Accounts and emails",
                        List.of(
                                customMetric(MetricNames.Published.ACCOUNT_CREATED, provisionerFunction, "Sum"),
                                customMetric(MetricNames.Published.ACCOUNT_EXISTING, provisionerFunction, "Sum"),
                                customMetric(MetricNames.Published.EMAIL_SENT, provisionerFunction, "Sum"),
                                customMetric(MetricNames.Published.EMAIL_RESENT, provisionerFunction, "Sum"))));
        dashboard.addWidgets(
                graph(
                        "Records: provisioned, retried, dead-lettered",
                        List.of(
                                outcomeMetric(MetricNames.Published.RECORDS, provisionerFunction, "provisioned"),
                                outcomeMetric(MetricNames.Published.RECORDS, provisionerFunction, "retry"),
                                outcomeMetric(MetricNames.Published.RECORDS, provisionerFunction, "dead_lettered"))),
                graph(
                        "Confirmation to account latency (max, avg; ms)",
                        List.of(
                                customMetric(MetricNames.Published.LATENCY_MAX, provisionerFunction, "Maximum"),
                                customMetric(MetricNames.Published.LATENCY_AVG, provisionerFunction, "Average"))),
                graph(
                        "Batch size (max) and records received",
                        List.of(
                                customMetric(MetricNames.Published.BATCH_SIZE_MAX, provisionerFunction, "Maximum"),
                                customMetric(MetricNames.Published.BATCH_SIZE_SUM, provisionerFunction, "Sum"))));
    }

    private static GraphWidget graph(String title, List<IMetric> metrics) {
        return GraphWidget.Builder.create()
                .title(title)
                .left(metrics)
                .width(8)
                .height(6)
                .build();
    }

    private void addOutputs(StackSettings settings) {
        output("UserPoolId", userPool.getUserPoolId(), "User pool whose PostConfirmation invokes the trigger alias");
        output("UserPoolArn", userPool.getUserPoolArn(), "ARN the trigger's invoke permission is scoped to");
        output("TriggerAliasArn", triggerAlias.getFunctionArn(), "PostConfirmation target (alias 'live')");
        output("QueueUrl", queue.getQueueUrl(), "Signup queue");
        output("DeadLetterQueueUrl", deadLetterQueue.getQueueUrl(), "Dead-letter queue");
        output("TableName", table.getTableName(), "Accounts table");
        output("TriggerFunctionName", triggerFunction.getFunctionName(), "ingest-trigger function");
        output("ProvisionerFunctionName", provisionerFunction.getFunctionName(), "provisioner function");
        if (settings.importsUserPool()) {
            output(
                    "ImportedUserPoolWiring",
                    Fn.join(
                            "",
                            List.of(
                                    "The stack did not change pool ",
                                    settings.userPoolId(),
                                    ". Set its PostConfirmation trigger to ",
                                    triggerAlias.getFunctionArn(),
                                    " in the console (function and alias live), or: aws cognito-idp describe-user-pool"
                                            + " --user-pool-id ",
                                    settings.userPoolId(),
                                    ", then update-user-pool passing EVERY current setting back plus --lambda-config"
                                            + " PostConfirmation=<alias ARN> (omitted settings are reset)."
                                            + " Then ./pipeline doctor checks the wiring.")),
                    "What the operator must do for an imported pool");
        }
    }

    private void output(String id, String value, String description) {
        CfnOutput.Builder.create(this, id).value(value).description(description).build();
    }

    private LogGroup logGroup(String id) {
        return LogGroup.Builder.create(this, id)
                .retention(RetentionDays.ONE_MONTH)
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    private Role lambdaRole(String id, String description) {
        // No managed policies (AWSLambdaBasicExecutionRole writes to any log group): logs go to the function's own
        // log group only.
        return Role.Builder.create(this, id)
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description(description)
                .build();
    }

    private static PolicyStatement allow(List<String> actions, List<String> resources) {
        return PolicyStatement.Builder.create()
                .effect(Effect.ALLOW)
                .actions(actions)
                .resources(resources)
                .build();
    }

    /** The user pool (created or imported) whose PostConfirmation invokes the trigger alias. */
    public IUserPool getUserPool() {
        return userPool;
    }

    /** The signup queue the trigger writes to. */
    public Queue getQueue() {
        return queue;
    }

    /** The dead-letter queue. */
    public Queue getDeadLetterQueue() {
        return deadLetterQueue;
    }

    /** The accounts table. */
    public Table getTable() {
        return table;
    }

    /** The ingest-trigger function. */
    public Function getTriggerFunction() {
        return triggerFunction;
    }

    /** The trigger's {@code live} alias, which Cognito invokes. */
    public Alias getTriggerAlias() {
        return triggerAlias;
    }

    /** The provisioner function. */
    public Function getProvisionerFunction() {
        return provisionerFunction;
    }

    /** The provisioner's {@code live} alias, which the event source mapping invokes. */
    public Alias getProvisionerAlias() {
        return provisionerAlias;
    }

    /** The trigger's execution role. */
    public Role getTriggerRole() {
        return triggerRole;
    }

    /** The provisioner's execution role. */
    public Role getProvisionerRole() {
        return provisionerRole;
    }

    /** The trigger's log group. */
    public LogGroup getTriggerLogGroup() {
        return triggerLogGroup;
    }

    /** The provisioner's log group. */
    public LogGroup getProvisionerLogGroup() {
        return provisionerLogGroup;
    }

    /** The permission that lets Cognito (this pool, this account) invoke the trigger alias. */
    public CfnPermission getCognitoInvokePermission() {
        return cognitoInvokePermission;
    }

    /** The SQS event source mapping of the provisioner. */
    public EventSourceMapping getMapping() {
        return mapping;
    }

    /** The alarms, in creation order. */
    public List<Alarm> getAlarms() {
        return List.copyOf(alarms);
    }
}
