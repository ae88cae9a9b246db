package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import dev.provisioning.common.logging.LogContext;
import dev.provisioning.common.metrics.MetricsSettings;
import dev.provisioning.email.WelcomeEmailTemplates;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SQS-driven provisioner: hands each batch to {@link BatchProcessor} and returns only the
 * failed records ({@code ReportBatchItemFailures}). Clients are built once per sandbox. Each
 * invocation's log lines carry its request id, and its metrics are published before it returns.
 */
public final class ProvisionerHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private final BatchProcessor processor;
    private final ProvisioningMetrics metrics;

    /** Used by the Lambda runtime: reads the environment and builds the clients once. */
    public ProvisionerHandler() {
        this(Default.PROCESSOR, Default.METRICS);
    }

    ProvisionerHandler(BatchProcessor processor, ProvisioningMetrics metrics) {
        this.processor = processor;
        this.metrics = metrics;
    }

    /** Left for returning the batch response after the metrics are published. */
    static final Duration RESPONSE_MARGIN = Duration.ofMillis(300);

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        LogContext.invocation(context == null ? null : context.getAwsRequestId());
        List<SQSEvent.SQSMessage> records = event.getRecords() == null ? List.of() : event.getRecords();
        LongSupplier remaining = context == null ? () -> Long.MAX_VALUE : context::getRemainingTimeInMillis;
        try {
            return processor.process(records, remaining);
        } finally {
            metrics.publish(Duration.ofMillis(remaining.getAsLong()).minus(RESPONSE_MARGIN));
        }
    }

    /** How long publishing the invocation's metrics may take ({@code METRICS_PUBLISH_TIMEOUT_MS}). */
    static Duration metricsPublishTimeout(Settings settings) {
        return settings.millis(
                FunctionEnvironment.METRICS_PUBLISH_TIMEOUT_MS, Duration.ofSeconds(2), Duration.ofMillis(100));
    }

    /** Holder so that tests using the package-private constructor never read the environment. */
    private static final class Default {
        static final Settings SETTINGS = Settings.fromEnvironment();
        static final ProvisioningMetrics METRICS = metrics(SETTINGS);
        static final BatchProcessor PROCESSOR = create();

        private static ProvisioningMetrics metrics(Settings settings) {
            Duration timeout = metricsPublishTimeout(settings);
            return new ProvisioningMetrics(
                    MetricsSettings.from(settings),
                    MetricsClients.cloudWatch(settings.aws(), timeout),
                    timeout.plusMillis(500),
                    Clock.systemUTC());
        }

        private static BatchProcessor create() {
            ProvisionerConfig config = ProvisionerConfig.from(SETTINGS);
            AwsClientFactory clients = AwsClientFactory.forLambda(config.aws());
            SqsClient sqs = clients.build(SqsClient.builder(), "SQS");
            DynamoDbClient dynamoDb = clients.build(DynamoDbClient.builder(), "DYNAMODB");
            // No blind retry of SendEmail after a timeout or a 5xx: SES may have sent it (see AccountProvisioner).
            // And one attempt may use the whole call budget: every timeout here is an "outcome unknown",
            // which can only end in a second email, so give SES time to answer before declaring one.
            SesClient ses = clients.build(
                    SesClient.builder(),
                    "SES",
                    AwsClientFactory.Retries.THROTTLING_ONLY,
                    override -> override.apiCallAttemptTimeout(config.aws().apiCallTimeout()));
            Clock clock = Clock.systemUTC();
            AccountProvisioner provisioner = new AccountProvisioner(
                    new AccountStore(dynamoDb, config.tableName()),
                    new WelcomeEmailSender(
                            ses,
                            config.senderAddress(),
                            WelcomeEmailTemplates.load(config.brand(), config.defaultLocale()),
                            config.configurationSet()),
                    config.userServiceUrl()
                            .map(url -> new UserServiceClient(
                                    clients.httpClient(),
                                    url,
                                    UserServiceKey.resolve(
                                            config,
                                            () -> clients.build(SecretsManagerClient.builder(), "SECRETS_MANAGER")))),
                    clock,
                    config.emailClaimLease(),
                    METRICS,
                    config.unverifiedEmail());
            return new BatchProcessorBuilder()
                    .withProvisioner(provisioner)
                    .withBackoff(RetryBackoff.withFullJitter(config.backoffBase(), config.backoffCap()))
                    .withDeadLetters(new DeadLetterPublisher(sqs, config.deadLetterQueueUrl()))
                    .withQueue(sqs, config.queueUrl(), config.maxReceiveCount())
                    .withClock(clock)
                    .withRecordReserve(config.recordTimeReserve())
                    .withMetrics(METRICS)
                    .withConcurrency(config.batchConcurrency())
                    .build();
        }
    }
}
