package dev.provisioning.local.aws;

import dev.provisioning.common.AccountItem;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The pipeline's resources on a local AWS, shaped like the infra stack's: the queue with its
 * dead-letter queue and redrive policy, the accounts table, the verified SES sender.
 *
 * @param queueUrl the provisioning queue
 * @param queueArn its ARN
 * @param deadLetterQueueUrl the dead-letter queue
 * @param tableName the accounts table
 * @param senderAddress the verified SES identity
 * @param maxReceiveCount deliveries before the queue moves a message to the DLQ
 * @param visibilityTimeout the queue's visibility timeout
 */
public record PipelineResources(
        String queueUrl,
        String queueArn,
        String deadLetterQueueUrl,
        String tableName,
        String senderAddress,
        int maxReceiveCount,
        Duration visibilityTimeout) {

    /** The SES configuration set every send names, as infra's: created here so a send that names it is valid. */
    public static final String CONFIGURATION_SET = "welcome-emails";

    /** Names and settings of the resources to create. */
    public record Spec(
            String queueName, String tableName, String senderAddress, int maxReceiveCount, Duration visibilityTimeout) {

        public static Spec defaults() {
            return new Spec("provisioning", "accounts", "welcome@example.com", 5, Duration.ofSeconds(30));
        }

        public Spec withVisibilityTimeout(Duration timeout) {
            return new Spec(queueName, tableName, senderAddress, maxReceiveCount, timeout);
        }
    }

    public static PipelineResources create(LocalAws aws, Spec spec) {
        return create(aws.sqs(), aws.dynamoDb(), aws.ses(), spec);
    }

    /** Creates the resources on any AWS the clients point at (e.g. LocalStack in the end-to-end tests). */
    public static PipelineResources create(SqsClient sqs, DynamoDbClient dynamoDb, SesClient ses, Spec spec) {
        String dlqUrl = sqs.createQueue(b -> b.queueName(spec.queueName() + "-dlq")
                        .attributes(Map.of(QueueAttributeName.MESSAGE_RETENTION_PERIOD, "1209600")))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);
        String redrive =
                "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + spec.maxReceiveCount() + "\"}";
        String queueUrl = sqs.createQueue(b -> b.queueName(spec.queueName())
                        .attributes(Map.of(
                                QueueAttributeName.REDRIVE_POLICY,
                                redrive,
                                QueueAttributeName.VISIBILITY_TIMEOUT,
                                Long.toString(spec.visibilityTimeout().toSeconds()))))
                .queueUrl();
        String queueArn = sqs.getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes()
                .get(QueueAttributeName.QUEUE_ARN);

        createAccountsTable(dynamoDb, spec.tableName());
        ses.verifyEmailIdentity(b -> b.emailAddress(spec.senderAddress()));
        ses.createConfigurationSet(b -> b.configurationSet(set -> set.name(CONFIGURATION_SET)));
        return new PipelineResources(
                queueUrl,
                queueArn,
                dlqUrl,
                spec.tableName(),
                spec.senderAddress(),
                spec.maxReceiveCount(),
                spec.visibilityTimeout());
    }

    /** The same key schema as the infra stack's table: partition key {@code accountId}. */
    static void createAccountsTable(DynamoDbClient dynamoDb, String tableName) {
        dynamoDb.createTable(b -> b.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder()
                        .attributeName(AccountItem.KEY)
                        .attributeType(ScalarAttributeType.S)
                        .build())
                .keySchema(KeySchemaElement.builder()
                        .attributeName(AccountItem.KEY)
                        .keyType(KeyType.HASH)
                        .build()));
        dynamoDb.waiter().waitUntilTableExists(b -> b.tableName(tableName));
    }
}
