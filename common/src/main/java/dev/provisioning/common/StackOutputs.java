package dev.provisioning.common;

/**
 * The names of the infra stack's outputs: infra writes them, the operators' tools read them ({@code --stack NAME}),
 * so that one deploy's outputs are everything {@code doctor}, {@code reconcile}, {@code dlq} and {@code trace} need.
 */
public final class StackOutputs {

    public static final String USER_POOL_ID = "UserPoolId";
    public static final String USER_POOL_ARN = "UserPoolArn";
    /** The trigger's {@code live} alias ARN: what the pool's PostConfirmation must name. */
    public static final String TRIGGER_ALIAS_ARN = "TriggerAliasArn";

    public static final String QUEUE_URL = "QueueUrl";
    public static final String DEAD_LETTER_QUEUE_URL = "DeadLetterQueueUrl";
    public static final String TABLE_NAME = "TableName";
    public static final String TRIGGER_FUNCTION_NAME = "TriggerFunctionName";
    public static final String PROVISIONER_FUNCTION_NAME = "ProvisionerFunctionName";
    /** The provisioner's {@code live} alias ARN: what the queue's event source mapping must invoke. */
    public static final String PROVISIONER_ALIAS_ARN = "ProvisionerAliasArn";
    /** The SES sender address of the welcome email. */
    public static final String SENDER_ADDRESS = "SenderAddress";
    /** The SES configuration set every welcome email names. */
    public static final String SES_CONFIGURATION_SET = "SesConfigurationSet";
    /** The SNS topic the configuration set publishes bounces and complaints to. */
    public static final String EMAIL_FEEDBACK_TOPIC_ARN = "EmailFeedbackTopicArn";
    /** Whether the deployment posts to a user service ({@code true}/{@code false}). */
    public static final String USER_SERVICE = "UserService";

    private StackOutputs() {}
}
