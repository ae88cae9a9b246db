package dev.provisioning.local.e2e;

import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.lambda.InvocationResult;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The default local AWS, started through {@link LocalPipeline}: a user confirms through
 * cognito-local's real SignUp and ConfirmSignUp, which fires the trigger jar in the local Lambda
 * host; the harness's mapping feeds the provisioner jar; mail is read back from moto. Owns the
 * pipeline it starts.
 */
final class DefaultHarnessEnvironment implements PipelineEnvironment {

    private static final String PASSWORD = "Passw0rd!-e2e";
    private static final String NEW_PASSWORD = "N3w-Passw0rd!";

    private final ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
    private final LocalPipeline pipeline;

    private DefaultHarnessEnvironment() {
        pipeline = LocalPipeline.start(
                Settings.fromEnvironment(), HarnessPaths.discover(), LocalPipeline.Options.defaults(logs::add));
    }

    static DefaultHarnessEnvironment start() {
        return new DefaultHarnessEnvironment();
    }

    @Override
    public String name() {
        return "default harness";
    }

    @Override
    public String confirmSignUp(String email, String name) {
        return pipeline.cognitoClient()
                .signUpAndConfirm(
                        pipeline.userPool().poolId(), pipeline.userPool().clientId(), email, PASSWORD, name);
    }

    @Override
    public void confirmForgotPassword(String email) {
        // cognito-local waits for the trigger, so its enqueue (if any) has happened when this returns.
        pipeline.cognitoClient()
                .forgotPasswordAndConfirm(
                        pipeline.userPool().poolId(), pipeline.userPool().clientId(), email, NEW_PASSWORD);
    }

    @Override
    public long triggerInvocations() {
        return pipeline.lambda().metrics(LocalPipeline.TRIGGER_FUNCTION).invocations();
    }

    @Override
    public long provisionerRecords() {
        return pipeline.mapping().stats().records();
    }

    @Override
    public Invocation invokeProvisioner(byte[] event) {
        try {
            InvocationResult result = pipeline.lambda().invoke(LocalPipeline.PROVISIONER_FUNCTION, event);
            return new Invocation(result.payload(), result.functionError(), result.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while invoking the provisioner", e);
        }
    }

    @Override
    public List<SentEmail> sentEmails() {
        return pipeline.aws().moto().sentEmails().stream()
                .map(e -> new SentEmail(e.messageId(), e.source(), e.to(), e.body()))
                .toList();
    }

    @Override
    public String functionLogs() {
        return String.join("\n", logs);
    }

    @Override
    public String poolId() {
        return pipeline.userPool().poolId();
    }

    @Override
    public String region() {
        return LocalAws.REGION;
    }

    @Override
    public String senderAddress() {
        return pipeline.resources().senderAddress();
    }

    @Override
    public String tableName() {
        return pipeline.resources().tableName();
    }

    @Override
    public String queueUrl() {
        return pipeline.resources().queueUrl();
    }

    @Override
    public String deadLetterQueueUrl() {
        return pipeline.resources().deadLetterQueueUrl();
    }

    @Override
    public SqsClient sqs() {
        return pipeline.aws().sqs();
    }

    @Override
    public DynamoDbClient dynamoDb() {
        return pipeline.aws().dynamoDb();
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
