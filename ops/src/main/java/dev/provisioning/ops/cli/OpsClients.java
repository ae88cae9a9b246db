package dev.provisioning.ops.cli;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The AWS clients of one ops command run: built on first use from one {@link AwsClientFactory}
 * (one HTTP client), and closed together with it. Credentials: keys in the environment win,
 * otherwise the SDK's default chain (profiles, SSO, instance roles).
 */
public final class OpsClients implements AutoCloseable {

    private final Settings settings;
    private final Optional<URI> cognitoEndpoint;
    private final AwsClientFactory factory;
    private final List<AutoCloseable> built = new ArrayList<>();
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private CognitoIdentityProviderClient cognito;
    private LambdaClient lambda;
    private SesClient ses;
    private CloudFormationClient cloudFormation;

    private OpsClients(Settings settings, Optional<URI> cognitoEndpoint) {
        this.settings = settings;
        this.cognitoEndpoint = cognitoEndpoint;
        this.factory = AwsClientFactory.builder(settings.aws())
                .credentials(credentials(settings))
                .build();
    }

    /**
     * @param cognitoEndpoint Cognito's endpoint when it is not the SDK environment's (cognito-local)
     */
    public static OpsClients create(Settings settings, Optional<URI> cognitoEndpoint) {
        return new OpsClients(settings, cognitoEndpoint);
    }

    public SqsClient sqs() {
        return sqs = once(sqs, () -> factory.build(SqsClient.builder(), "SQS"));
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb = once(dynamoDb, () -> factory.build(DynamoDbClient.builder(), "DYNAMODB"));
    }

    public LambdaClient lambda() {
        return lambda = once(lambda, () -> factory.build(LambdaClient.builder(), "LAMBDA"));
    }

    public SesClient ses() {
        return ses = once(ses, () -> factory.build(SesClient.builder(), "SES"));
    }

    public CloudFormationClient cloudFormation() {
        return cloudFormation =
                once(cloudFormation, () -> factory.build(CloudFormationClient.builder(), "CLOUDFORMATION"));
    }

    public CognitoIdentityProviderClient cognito() {
        return cognito = once(cognito, () -> cognitoEndpoint
                .map(endpoint -> CognitoIdentityProviderClient.builder()
                        .region(settings.aws().region())
                        .endpointOverride(endpoint)
                        .httpClient(factory.httpClient())
                        .credentialsProvider(credentials(settings))
                        .build())
                .orElseGet(() -> factory.build(CognitoIdentityProviderClient.builder(), "COGNITO_IDENTITY_PROVIDER")));
    }

    private <C extends AutoCloseable> C once(C existing, Supplier<C> create) {
        if (existing != null) {
            return existing;
        }
        C client = create.get();
        built.add(client);
        return client;
    }

    public static AwsCredentialsProvider credentials(Settings settings) {
        Optional<String> key = settings.optional("AWS_ACCESS_KEY_ID");
        Optional<String> secret = settings.optional("AWS_SECRET_ACCESS_KEY");
        if (key.isEmpty() || secret.isEmpty()) {
            return DefaultCredentialsProvider.builder().build();
        }
        Optional<String> token = settings.optional("AWS_SESSION_TOKEN");
        return StaticCredentialsProvider.create(
                token.isPresent()
                        ? AwsSessionCredentials.create(key.get(), secret.get(), token.get())
                        : AwsBasicCredentials.create(key.get(), secret.get()));
    }

    @Override
    public void close() {
        for (AutoCloseable client : built) {
            try {
                client.close();
            } catch (Exception e) {
                // Closing a client only releases connections; nothing to report to the operator.
            }
        }
        factory.close();
    }
}
