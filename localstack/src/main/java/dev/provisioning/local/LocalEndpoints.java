package dev.provisioning.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a running local pipeline can be reached, for {@code --keep-running}: printed for a person (the AWS CLI with
 * each endpoint) and written for {@code ./pipeline trace|dlq|reconcile}, as an env file removed at exit.
 */
final class LocalEndpoints {

    private LocalEndpoints() {}

    static void print(LocalPipeline pipeline, PrintStream err) {
        err.println("the local pipeline keeps running; use the AWS CLI with:");
        pipeline.aws().environment().forEach((key, value) -> err.println("  export " + key + "=" + value));
        err.println("  queue:      " + pipeline.resources().queueUrl());
        err.println("  dlq:        " + pipeline.resources().deadLetterQueueUrl());
        err.println("  table:      " + pipeline.resources().tableName());
        err.println("  cognito:    " + pipeline.cognito().endpoint() + " (pool "
                + pipeline.userPool().poolId() + ", client "
                + pipeline.userPool().clientId() + ")");
        err.println("  lambda:     " + pipeline.lambda().endpoint());
        err.println("  e.g. aws cognito-idp list-users --endpoint-url "
                + pipeline.cognito().endpoint() + " --user-pool-id "
                + pipeline.userPool().poolId());
        // The AWS CLI v1 ignores AWS_ENDPOINT_URL_<SERVICE>: give it --endpoint-url per command.
        err.println("  AWS CLI v1 ignores the AWS_ENDPOINT_URL_* variables; pass --endpoint-url instead:");
        err.println("    aws sqs get-queue-attributes --endpoint-url "
                + pipeline.aws().sqsEndpoint() + " --queue-url "
                + pipeline.resources().queueUrl() + " --attribute-names All");
        err.println("    aws dynamodb scan --endpoint-url " + pipeline.aws().dynamoDbEndpoint() + " --table-name "
                + pipeline.resources().tableName());
        err.println("    aws ses list-identities --endpoint-url "
                + pipeline.aws().moto().endpoint());
        err.println("    aws lambda list-functions --endpoint-url "
                + pipeline.lambda().endpoint());
        err.println("press Ctrl-C to stop");
    }

    private static final Path ENDPOINTS_DIR = Path.of("target");

    /** Where {@code --keep-running} leaves its endpoints for {@code ./pipeline trace|dlq|reconcile}. */
    static final Path ENDPOINTS_FILE = ENDPOINTS_DIR.resolve("local-endpoints.env");

    /** Writes the environment of the running local pipeline; removed when this process exits. */
    static Path write(LocalPipeline pipeline) {
        StringBuilder env = new StringBuilder("# Written by ./pipeline local --keep-running; removed when it stops.\n");
        pipeline.aws()
                .environment()
                .forEach((key, value) ->
                        env.append(key).append('=').append(value).append('\n'));
        env.append("QUEUE_URL=").append(pipeline.resources().queueUrl()).append('\n');
        env.append("DLQ_URL=").append(pipeline.resources().deadLetterQueueUrl()).append('\n');
        env.append("TABLE_NAME=").append(pipeline.resources().tableName()).append('\n');
        env.append("USER_POOL_ID=").append(pipeline.userPool().poolId()).append('\n');
        env.append("COGNITO_ENDPOINT=").append(pipeline.cognito().endpoint()).append('\n');
        try {
            Files.createDirectories(ENDPOINTS_DIR);
            Files.writeString(ENDPOINTS_FILE, env.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + ENDPOINTS_FILE, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ENDPOINTS_FILE);
            } catch (IOException e) {
                // Best effort at exit.
            }
        }));
        return ENDPOINTS_FILE.toAbsolutePath();
    }
}
