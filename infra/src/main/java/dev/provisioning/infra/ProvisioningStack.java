package dev.provisioning.infra;

import dev.provisioning.common.AccountItem;
import dev.provisioning.common.Deployment;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.StackOutputs;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cognito.AccountRecovery;
import software.amazon.awscdk.services.cognito.AutoVerifiedAttrs;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.cognito.PasswordPolicy;
import software.amazon.awscdk.services.cognito.SignInAliases;
import software.amazon.awscdk.services.cognito.UserPool;
import software.amazon.awscdk.services.cognito.UserPoolOperation;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.CfnPermission;
import software.amazon.awscdk.services.lambda.EventSourceMapping;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.amazon.awscdk.services.secretsmanager.Secret;
import software.amazon.awscdk.services.ses.ConfigurationSet;
import software.amazon.awscdk.services.ses.EmailIdentity;
import software.amazon.awscdk.services.ses.Identity;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.DeadLetterQueue;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;
import software.constructs.Construct;

/**
 * The whole provisioning pipeline as one CloudFormation stack: user pool trigger, queue and DLQ, provisioner,
 * accounts table, SES identity, least-privilege roles, alarms and dashboard; it owns every resource it creates
 * (the table and a created pool are retained on deletion) and never modifies an imported pool.
 *
 * <p>Resources that hold state (queues, table, pool, sender identity, the user-service key, log groups) are the
 * stack's own children, so their logical ids never move when the code is reorganised: a moved logical id makes
 * CloudFormation replace the resource. What holds no state is composed of constructs: {@link IngestTrigger},
 * {@link Provisioner} and {@link Monitoring}.
 */
public final class ProvisioningStack extends Stack {

    private final IUserPool userPool;
    private final Queue queue;
    private final Queue deadLetterQueue;
    private final Table table;
    private final LogGroup triggerLogGroup;
    private final LogGroup provisionerLogGroup;
    private final IngestTrigger trigger;
    private final Provisioner provisioner;
    private final CfnPermission cognitoInvokePermission;
    private final Monitoring monitoring;
    private final EmailReputation emailReputation;

    /** Builds the stack from validated settings. */
    public ProvisioningStack(Construct scope, String id, StackProps props, StackSettings settings) {
        super(scope, id, props);
        deadLetterQueue = deadLetterQueue();
        queue = signupQueue(settings, deadLetterQueue);
        table = accountsTable(settings);
        triggerLogGroup = logGroup("TriggerLogGroup");
        provisionerLogGroup = logGroup("ProvisionerLogGroup");

        trigger = new IngestTrigger(this, "Trigger", settings, queue, triggerLogGroup);
        if (settings.importsUserPool()) {
            userPool = UserPool.fromUserPoolId(this, "ImportedUserPool", settings.userPoolId());
            cognitoInvokePermission =
                    CognitoInvokePermission.forImportedPool(this, trigger.alias(), userPool, settings.userPoolId());
        } else {
            UserPool created = createdPool(settings);
            created.addTrigger(UserPoolOperation.POST_CONFIRMATION, trigger.alias());
            userPool = created;
            cognitoInvokePermission = CognitoInvokePermission.requireSourceAccount(this, trigger.alias());
        }

        emailReputation = new EmailReputation(this, "EmailReputation");
        provisioner = new Provisioner(
                this,
                "Provisioner",
                settings,
                new Provisioner.Resources(
                        queue,
                        deadLetterQueue,
                        table,
                        senderIdentityArns(settings),
                        emailReputation.configurationSet().getConfigurationSetName(),
                        getConfigurationSetArn(),
                        userServiceKey(settings),
                        provisionerLogGroup));
        monitoring = new Monitoring(
                this,
                "Monitoring",
                new Monitoring.Watched(queue, deadLetterQueue, trigger.function(), provisioner.function()),
                settings.alarmTopicArn());
        addOutputs(settings);
    }

    private Table accountsTable(StackSettings settings) {
        return Table.Builder.create(this, "AccountsTable")
                .tableName(settings.tableName())
                .partitionKey(Attribute.builder()
                        .name(AccountItem.KEY)
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
    }

    /**
     * The identities SES may authorise a send from our sender against: the address itself, or (an existing identity,
     * senderIdentityExists) its domain or a parent domain. Creates the address identity unless it exists.
     */
    private List<String> senderIdentityArns(StackSettings settings) {
        if (!settings.senderIdentityExists()) {
            EmailIdentity.Builder.create(this, "SenderIdentity")
                    .identity(Identity.email(settings.senderAddress()))
                    .build();
        }
        return EmailAddresses.senderIdentities(settings.senderAddress()).stream()
                .map(identity -> formatArn(ArnComponents.builder()
                        .service("ses")
                        .resource("identity")
                        .resourceName(identity)
                        .build()))
                .toList();
    }

    /** The user service's API key in Secrets Manager: the given secret, or a new one the operator sets. */
    private Optional<ISecret> userServiceKey(StackSettings settings) {
        if (settings.userServiceUrl() == null) {
            return Optional.empty();
        }
        if (settings.userServiceKeySecretArn() != null) {
            return Optional.of(
                    Secret.fromSecretCompleteArn(this, "UserServiceApiKey", settings.userServiceKeySecretArn()));
        }
        Secret key = Secret.Builder.create(this, "UserServiceApiKey")
                .description("API key the provisioner sends to the user service (X-Api-Key): set its value")
                .build();
        NagRules.notApplicable(
                key,
                "AwsSolutions-SMG4",
                "The user service issues this key: it is rotated there and its new value set here (put-secret-value);"
                        + " no rotation function can mint it");
        return Optional.of(key);
    }

    private Queue deadLetterQueue() {
        Queue dlq = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.seconds(Deployment.DLQ_RETENTION.toSeconds()))
                .build();
        NagRules.notApplicable(
                dlq,
                "Serverless-SQSRedrivePolicy",
                "It is the signup queue's dead-letter queue: its messages go back through `dlq redrive`, not onward");
        return dlq;
    }

    private Queue signupQueue(StackSettings settings, Queue deadLetterQueue) {
        return Queue.Builder.create(this, "SignupQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .visibilityTimeout(Duration.seconds(settings.visibilityTimeoutSeconds()))
                // Shorter than the DLQ's: a dead-lettered message keeps its original enqueue time.
                .retentionPeriod(Duration.days(4))
                .deadLetterQueue(DeadLetterQueue.builder()
                        .queue(deadLetterQueue)
                        .maxReceiveCount(Deployment.MAX_RECEIVE_COUNT)
                        .build())
                .build();
    }

    /** A pool for email sign-up, with Cognito's default password policy stated and retained on stack deletion. */
    private UserPool createdPool(StackSettings settings) {
        UserPool created = UserPool.Builder.create(this, settings.userPoolConstructId())
                .selfSignUpEnabled(true)
                .signInAliases(SignInAliases.builder().email(true).build())
                .autoVerify(AutoVerifiedAttrs.builder().email(true).build())
                .accountRecovery(AccountRecovery.EMAIL_ONLY)
                // Cognito's own default policy, stated so that it is visible and checked (cdk-nag COG1).
                .passwordPolicy(PasswordPolicy.builder()
                        .minLength(8)
                        .requireLowercase(true)
                        .requireUppercase(true)
                        .requireDigits(true)
                        .requireSymbols(true)
                        .build())
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        NagRules.notApplicable(
                created,
                "AwsSolutions-COG2",
                "MFA is the sign-in policy of the application that owns the pool, not the pipeline's:"
                        + " import a pool (userPoolId) configured as it needs");
        NagRules.notApplicable(
                created,
                "AwsSolutions-COG3",
                "Threat protection needs Cognito's Plus feature plan, billed per active user: the application"
                        + " owner's choice, made on an imported pool (userPoolId)");
        return created;
    }

    private void addOutputs(StackSettings settings) {
        output(
                StackOutputs.USER_POOL_ID,
                userPool.getUserPoolId(),
                "User pool whose PostConfirmation invokes the trigger alias");
        output(
                StackOutputs.USER_POOL_ARN,
                userPool.getUserPoolArn(),
                "ARN the trigger's invoke permission is scoped to");
        output(
                StackOutputs.TRIGGER_ALIAS_ARN,
                trigger.alias().getFunctionArn(),
                "PostConfirmation target (alias 'live')");
        output(StackOutputs.QUEUE_URL, queue.getQueueUrl(), "Signup queue");
        output(StackOutputs.DEAD_LETTER_QUEUE_URL, deadLetterQueue.getQueueUrl(), "Dead-letter queue");
        output(StackOutputs.TABLE_NAME, table.getTableName(), "Accounts table");
        output(StackOutputs.TRIGGER_FUNCTION_NAME, trigger.function().getFunctionName(), "ingest-trigger function");
        output(
                StackOutputs.PROVISIONER_FUNCTION_NAME,
                provisioner.function().getFunctionName(),
                "provisioner function");
        output(
                StackOutputs.PROVISIONER_ALIAS_ARN,
                provisioner.alias().getFunctionArn(),
                "What the queue's event source mapping invokes (alias 'live')");
        output(StackOutputs.SENDER_ADDRESS, settings.senderAddress(), "SES sender of the welcome email");
        output(
                StackOutputs.SES_CONFIGURATION_SET,
                emailReputation.configurationSet().getConfigurationSetName(),
                "SES configuration set every welcome email names (suppression, bounce and complaint events)");
        output(
                StackOutputs.EMAIL_FEEDBACK_TOPIC_ARN,
                emailReputation.feedbackTopic().getTopicArn(),
                "SNS topic of the welcome email's bounces and complaints");
        output(
                StackOutputs.USER_SERVICE,
                Boolean.toString(settings.userServiceUrl() != null),
                "Whether the provisioner posts each account to a user service");
        if (settings.importsUserPool()) {
            output(
                    "ImportedUserPoolWiring",
                    Fn.join(
                            "",
                            List.of(
                                    "The stack did not change pool ",
                                    settings.userPoolId(),
                                    ". Set its PostConfirmation trigger to ",
                                    trigger.alias().getFunctionArn(),
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

    /** The SES configuration set every welcome email names. */
    public ConfigurationSet getConfigurationSet() {
        return emailReputation.configurationSet();
    }

    /** The configuration set's ARN, which a send that names it is also authorised against. */
    public String getConfigurationSetArn() {
        return formatArn(ArnComponents.builder()
                .service("ses")
                .resource("configuration-set")
                .resourceName(emailReputation.configurationSet().getConfigurationSetName())
                .build());
    }

    /** The SNS topic of the welcome email's bounces and complaints. */
    public Topic getEmailFeedbackTopic() {
        return emailReputation.feedbackTopic();
    }

    /** The accounts table. */
    public Table getTable() {
        return table;
    }

    /** The ingest-trigger function. */
    public Function getTriggerFunction() {
        return trigger.function();
    }

    /** The trigger's {@code live} alias, which Cognito invokes. */
    public Alias getTriggerAlias() {
        return trigger.alias();
    }

    /** The provisioner function. */
    public Function getProvisionerFunction() {
        return provisioner.function();
    }

    /** The provisioner's {@code live} alias, which the event source mapping invokes. */
    public Alias getProvisionerAlias() {
        return provisioner.alias();
    }

    /** The trigger's execution role. */
    public Role getTriggerRole() {
        return trigger.role();
    }

    /** The provisioner's execution role. */
    public Role getProvisionerRole() {
        return provisioner.role();
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
        return provisioner.mapping();
    }

    /** The alarms, in creation order. */
    public List<Alarm> getAlarms() {
        return monitoring.alarms();
    }
}
