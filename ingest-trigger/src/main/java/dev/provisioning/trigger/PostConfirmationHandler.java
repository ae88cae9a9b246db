package dev.provisioning.trigger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The Cognito PostConfirmation trigger: enqueue the confirmation, return the event.
 *
 * <p>A stream handler on purpose: the response is the request's own bytes, so Cognito always
 * gets back exactly the event it sent (with its {@code response: {}}), whatever fields a future
 * event carries. The SQS client is built and primed once per sandbox, in static initialisation,
 * which Lambda runs in the init phase (and SnapStart snapshots).
 */
public final class PostConfirmationHandler implements RequestStreamHandler {

    private final ConfirmationIngest ingest;

    /** Used by the Lambda runtime: reads the environment and builds the SQS client once. */
    public PostConfirmationHandler() {
        this(Default.RUNTIME.ingest());
    }

    PostConfirmationHandler(ConfirmationIngest ingest) {
        this.ingest = ingest;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        byte[] event = input.readAllBytes();
        ingest.handle(event, Duration.ofMillis(context.getRemainingTimeInMillis()), context.getAwsRequestId());
        output.write(event);
    }

    /** Holder so that tests using the package-private constructor never read the environment. */
    private static final class Default {
        static final TriggerRuntime RUNTIME = TriggerRuntime.fromEnvironment();
    }
}
