package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmedCodec;
import java.time.Clock;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS-driven provisioner: hands each batch to {@link BatchProcessor} and returns only the
 * failed records ({@code ReportBatchItemFailures}). Clients are built once per sandbox.
 */
public final class ProvisionerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final BatchProcessor processor;

    /** Used by the Lambda runtime: reads the environment and builds the clients once. */
    public ProvisionerHandler() {
        this(Default.PROCESSOR);
    }

    ProvisionerHandler(BatchProcessor processor) {
        this.processor = processor;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        return processor.process(records);
    }

    /** Holder so that tests using the package-private constructor never read the environment. */
    private static final class Default {
        static final BatchProcessor PROCESSOR = create();

        private static BatchProcessor create() {
            ProvisionerConfig config = ProvisionerConfig.from(Settings.fromEnvironment());
            AwsClientFactory clients = AwsClientFactory.forLambda(config.aws());
            SqsClient sqs = clients.build(SqsClient.builder(), "SQS");
            DynamoDbClient dynamoDb = clients.build(DynamoDbClient.builder(), "DYNAMODB");
            // No blind retry of SendEmail after a timeout: SES may have sent it (see AccountProvisioner).
            SesClient ses = clients.build(SesClient.builder(), "SES", AwsClientFactory.Retries.ANSWERED_FAILURES_ONLY);
            Clock clock = Clock.systemUTC();
            AccountProvisioner provisioner = new AccountProvisioner(
                    new AccountStore(dynamoDb, config.tableName()),
                    new WelcomeEmailSender(ses, config.senderAddress()),
                    config.userServiceUrl()
                            .map(url -> new UserServiceClient(clients.httpClient(), url, config.userServiceApiKey())),
                    clock,
                    config.emailClaimLease());
            return new BatchProcessor(
                    UserConfirmedCodec.create(),
                    provisioner,
                    new FailureClassifier(),
                    RetryBackoff.withFullJitter(config.backoffBase(), config.backoffCap()),
                    new DeadLetterPublisher(sqs, config.deadLetterQueueUrl()),
                    sqs,
                    config.queueUrl(),
                    config.maxReceiveCount(),
                    clock);
        }
    }
}
