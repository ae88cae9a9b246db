package dev.provisioning.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmedCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The Cognito PostConfirmation trigger: enqueue the confirmation, return the event.
 *
 * <p>A stream handler on purpose: the response is the request's own bytes, so Cognito always
 * gets back exactly the event it sent (with its {@code response: {}}), whatever fields a future
 * event carries. The SQS client is built once per sandbox, in the initialisation phase.
 */
public final class PostConfirmationHandler implements RequestStreamHandler {

    private final ConfirmationIngest ingest;

    /** Used by the Lambda runtime: reads the environment and builds the SQS client once. */
    public PostConfirmationHandler() {
        this(Default.INGEST);
    }

    PostConfirmationHandler(ConfirmationIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        ingest.handle(event, Duration.ofMillis(context.getRemainingTimeInMillis()));
        output.write(event);
    }

    /** Holder so that tests using the package-private constructor never read the environment. */
    private static final class Default {
        static final ConfirmationIngest INGEST = create();

        private static ConfirmationIngest create() {
            TriggerConfig config = TriggerConfig.from(Settings.fromEnvironment());
            // Timeouts here are ceilings; each SendMessage narrows them to the invocation's budget.
            AwsClientFactory clients = AwsClientFactory.builder(
                            config.aws().withTimeouts(config.enqueueTimeoutCap(), config.enqueueTimeoutCap()))
                    .credentials(
                            software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider.create())
                    .connectionTimeout(Duration.ofMillis(500))
                    .build();
            SqsClient sqs = clients.build(SqsClient.builder(), "SQS");
            return new ConfirmationIngest(sqs, config, UserConfirmedCodec.create(), Clock.systemUTC());
        }
    }
}
