package dev.provisioning.local.aws;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.AwsSettings;
import dev.provisioning.common.Settings;
import dev.provisioning.local.lifecycle.Closer;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The default local AWS: ElasticMQ (SQS) and DynamoDB Local in this JVM, moto (SES, CloudWatch)
 * as a child process, each on a free loopback port. Owns all three and the clients it hands out;
 * {@link #close()} stops everything it started, in reverse order, even after a partial start.
 */
public final class LocalAws implements AutoCloseable {

    public static final String REGION = "us-east-1";
    public static final String ACCOUNT_ID = "000000000000";
    static final String ACCESS_KEY = "local";
    static final String SECRET_KEY = "local";

    private final Closer closer = new Closer("every local AWS service");
    private ElasticMqServer sqsServer;
    private DynamoDbLocalServer dynamoDbServer;
    private MotoServer moto;
    private AwsClientFactory clients;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private SesClient ses;
    private CloudWatchClient cloudWatch;

    private LocalAws() {}

    /** Starts the three emulators; on failure, stops what had started and rethrows. */
    public static LocalAws start(Settings settings, Consumer<String> log) {
        LocalAws aws = new LocalAws();
        try {
            aws.sqsServer = aws.track(ElasticMqServer.start(REGION, ACCOUNT_ID));
            aws.dynamoDbServer = aws.track(DynamoDbLocalServer.start());
            aws.moto = aws.track(MotoServer.start(MotoServer.findExecutable(settings), log));
            aws.clients = aws.track(AwsClientFactory.builder(harnessSettings(aws.environment()))
                    .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                    .build());
            aws.sqs = aws.track(aws.clients.build(SqsClient.builder(), "SQS"));
            aws.dynamoDb = aws.track(aws.clients.build(DynamoDbClient.builder(), "DYNAMODB"));
            aws.ses = aws.track(aws.clients.build(SesClient.builder(), "SES"));
            aws.cloudWatch = aws.track(aws.clients.build(CloudWatchClient.builder(), "CLOUDWATCH"));
            return aws;
        } catch (RuntimeException e) {
            aws.close();
            throw e;
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        return closer.register(resource);
    }

    /**
     * The environment a process needs to use this local AWS with the SDK or the AWS CLI: region,
     * dummy credentials and the {@code AWS_ENDPOINT_URL_*} overrides of each service.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", REGION);
        env.put("AWS_DEFAULT_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
        env.put("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbServer.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SES", moto.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_CLOUDWATCH", moto.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", moto.endpoint().toString());
        return env;
    }

    public URI sqsEndpoint() {
        return sqsServer.endpoint();
    }

    public URI dynamoDbEndpoint() {
        return dynamoDbServer.endpoint();
    }

    public MotoServer moto() {
        return moto;
    }

    public SqsClient sqs() {
        return sqs;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public SesClient ses() {
        return ses;
    }

    public CloudWatchClient cloudWatch() {
        return cloudWatch;
    }

    /** Settings for harness-side clients: generous timeouts, the emulators are on loopback. */
    static AwsSettings harnessSettings(Map<String, String> env) {
        return Settings.of(env).aws().withTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(10));
    }

    @Override
    public void close() {
        closer.close();
    }
}
