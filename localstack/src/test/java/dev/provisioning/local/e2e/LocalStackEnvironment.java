package dev.provisioning.local.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.aws.PipelineResources;
import dev.provisioning.local.lifecycle.Closer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionResponseType;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.Runtime;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The pipeline on LocalStack, started through Testcontainers: the queue with its DLQ and redrive,
 * the table and the verified sender created through the AWS APIs; both shaded jars deployed as
 * real Lambda functions (java21) and a real SQS event source mapping with partial batch responses
 * and maximum concurrency. LocalStack's free image has no Cognito, so "a user confirmed" is the
 * trigger invoked through {@code Lambda.Invoke} with the event Cognito sends. Owns the container
 * and every client; {@link #close()} stops them, also after a partial start.
 *
 * <p>The image is {@value #DEFAULT_IMAGE} (the last that starts without a token) unless {@code
 * LOCALSTACK_IMAGE} names another; {@code LOCALSTACK_AUTH_TOKEN} is passed through when set.
 */
final class LocalStackEnvironment implements PipelineEnvironment {

    static final String DEFAULT_IMAGE = "localstack/localstack:4.14.0";
    static final String ROLE_ARN = "arn:aws:iam::000000000000:role/lambda-role";
    static final String TRIGGER_HANDLER = "dev.provisioning.trigger.PostConfirmationHandler::handleRequest";
    static final String PROVISIONER_HANDLER = "dev.provisioning.provisioner.ProvisionerHandler::handleRequest";

    private static final Logger log = LoggerFactory.getLogger(LocalStackEnvironment.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The pool id's part after the region: Cognito's ids are {@code <region>_<9 characters>}. */
    private static final String POOL_ID_SUFFIX = "_LsScenari";
    /** Shaped like Cognito's 26-character app client ids. */
    private static final String CLIENT_ID = "1s0calstack2scenar1os3c1i0";
    /** Every service the pipeline and LocalStack's Lambda need (code in S3, role via STS, output in Logs). */
    private static final String[] SERVICES = {
        "sqs", "dynamodb", "ses", "lambda", "iam", "sts", "logs", "s3", "cloudwatch"
    };
    /** The provisioner's timeout; the queue's visibility timeout is 6x it plus the batching window, as AWS advises. */
    private static final Duration PROVISIONER_TIMEOUT = Duration.ofSeconds(15);
    /** The mapping's batching window: messages are in flight (invisible) while the poller fills a batch. */
    private static final Duration BATCHING_WINDOW = Duration.ofSeconds(1);

    private record User(String sub, String email, String name) {}

    private final Closer closer = new Closer("every part of the LocalStack environment");
    private final Map<String, User> users = new ConcurrentHashMap<>();
    private final AtomicLong triggerInvocations = new AtomicLong();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private LocalStackContainer container;
    private String region;
    private String poolId;
    private URI endpoint;
    private SqsClient sqs;
    private DynamoDbClient dynamoDb;
    private LambdaClient lambda;
    private LambdaClient invoker;
    private CloudWatchLogsClient logs;
    private PipelineResources resources;

    private LocalStackEnvironment() {}

    static LocalStackEnvironment start() {
        LocalStackEnvironment environment = new LocalStackEnvironment();
        try {
            environment.startAll(Settings.fromEnvironment(), HarnessPaths.discover());
            return environment;
        } catch (RuntimeException | Error e) {
            environment.close();
            throw e;
        }
    }

    private void startAll(Settings settings, HarnessPaths paths) {
        DockerImageName image = DockerImageName.parse(
                        settings.optional("LOCALSTACK_IMAGE").orElse(DEFAULT_IMAGE))
                .asCompatibleSubstituteFor("localstack/localstack");
        container = new LocalStackContainer(image)
                .withServices(SERVICES)
                // The first invoke may wait for the java21 runtime image; LocalStack's default is 20 s.
                .withEnv("LAMBDA_RUNTIME_ENVIRONMENT_TIMEOUT", "120")
                .withStartupTimeout(Duration.ofMinutes(3))
                .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("localstack.container")));
        settings.optional("LOCALSTACK_AUTH_TOKEN")
                .ifPresent(token -> container.withEnv("LOCALSTACK_AUTH_TOKEN", token));
        log.info("Starting {} through Testcontainers", image.asCanonicalNameString());
        // Registered first: a start that fails after creating the container (a timeout, a crashed
        // service) must still stop it; stop() on a container that never started does nothing.
        closer.register(container::stop);
        container.start();
        endpoint = container.getEndpoint();
        region = container.getRegion();
        poolId = region + POOL_ID_SUFFIX;

        Map<String, String> env = Map.of("AWS_REGION", region, "AWS_ENDPOINT_URL", endpoint.toString());
        StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
                AwsBasicCredentials.create(container.getAccessKey(), container.getSecretKey()));
        // Generous bounds: CreateFunction uploads a jar, and an Invoke may include a cold container start.
        AwsClientFactory clients = track(AwsClientFactory.builder(
                        Settings.of(env).aws().withTimeouts(Duration.ofMinutes(5), Duration.ofMinutes(3)))
                .credentials(credentials)
                .connectionTimeout(Duration.ofSeconds(5))
                .build());
        // A separate client without SDK retries: a retried Invoke would run the function twice.
        AwsClientFactory singleAttempt = track(AwsClientFactory.builder(clients.settings())
                .credentials(credentials)
                .connectionTimeout(Duration.ofSeconds(5))
                .maxAttempts(1)
                .build());
        sqs = track(clients.build(SqsClient.builder(), "SQS"));
        dynamoDb = track(clients.build(DynamoDbClient.builder(), "DYNAMODB"));
        SesClient ses = track(clients.build(SesClient.builder(), "SES"));
        lambda = track(clients.build(LambdaClient.builder(), "LAMBDA"));
        invoker = track(singleAttempt.build(LambdaClient.builder(), "LAMBDA"));
        logs = track(clients.build(CloudWatchLogsClient.builder(), "CLOUDWATCH_LOGS"));

        resources = PipelineResources.create(
                sqs,
                dynamoDb,
                ses,
                PipelineResources.Spec.defaults()
                        .withVisibilityTimeout(
                                PROVISIONER_TIMEOUT.multipliedBy(6).plus(BATCHING_WINDOW)));

        // No AWS_ENDPOINT_URL here: LocalStack sets it in every Lambda container to its own address
        // as the container sees it (unless LAMBDA_DISABLE_AWS_ENDPOINT_URL), and the functions'
        // AwsClientFactory honours it. Queue URLs work from both sides: LocalStack finds a queue by
        // the URL's path, not its host.
        createFunction(
                LocalPipeline.TRIGGER_FUNCTION,
                TRIGGER_HANDLER,
                paths.triggerJar(),
                // Cognito waits 5 s; a LocalStack cold start on a shared Docker host can take longer,
                // so the warm-up below absorbs it. The budget logic is tested in ingest-trigger.
                Duration.ofSeconds(10),
                Map.of("QUEUE_URL", resources.queueUrl()));
        createFunction(
                LocalPipeline.PROVISIONER_FUNCTION,
                PROVISIONER_HANDLER,
                paths.provisionerJar(),
                PROVISIONER_TIMEOUT,
                Map.of(
                        "QUEUE_URL", resources.queueUrl(),
                        "DLQ_URL", resources.deadLetterQueueUrl(),
                        "TABLE_NAME", resources.tableName(),
                        "SENDER_ADDRESS", resources.senderAddress(),
                        // The provisioner dead-letters itself on the queue's last receive, so it must know it.
                        "MAX_RECEIVE_COUNT", Integer.toString(resources.maxReceiveCount()),
                        "BACKOFF_BASE_SECONDS", "1",
                        "BACKOFF_CAP_SECONDS", "5"));
        for (String function : List.of(LocalPipeline.TRIGGER_FUNCTION, LocalPipeline.PROVISIONER_FUNCTION)) {
            lambda.waiter().waitUntilFunctionActiveV2(b -> b.functionName(function));
        }

        String mappingId = lambda.createEventSourceMapping(b -> b.functionName(LocalPipeline.PROVISIONER_FUNCTION)
                        .eventSourceArn(resources.queueArn())
                        .batchSize(10)
                        .maximumBatchingWindowInSeconds((int) BATCHING_WINDOW.toSeconds())
                        .functionResponseTypes(FunctionResponseType.REPORT_BATCH_ITEM_FAILURES)
                        .scalingConfig(s -> s.maximumConcurrency(2)))
                .uuid();
        Await.until("the event source mapping to be enabled", Duration.ofMinutes(2), () -> "Enabled"
                .equals(lambda.getEventSourceMapping(b -> b.uuid(mappingId)).state()));

        warmUpTrigger();
        log.info("LocalStack pipeline ready at {}", endpoint);
    }

    private void createFunction(
            String name, String handler, Path jar, Duration timeout, Map<String, String> environment) {
        byte[] code;
        try {
            code = Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read the function jar " + jar, e);
        }
        lambda.createFunction(b -> b.functionName(name)
                .runtime(Runtime.JAVA21)
                .handler(handler)
                .role(ROLE_ARN)
                .code(c -> c.zipFile(SdkBytes.fromByteArray(code)))
                .timeout((int) timeout.toSeconds())
                .memorySize(512)
                .environment(e -> e.variables(environment)));
    }

    /**
     * One invoke the trigger passes through without enqueueing (a password reset of a user nobody
     * signed up), so the scenarios measure a warm function as Cognito mostly sees it.
     */
    private void warmUpTrigger() {
        User nobody = new User(UUID.randomUUID().toString(), "warm-up@example.com", "Warm Up");
        InvokeResponse response =
                invokeTrigger(postConfirmationEvent("PostConfirmation_ConfirmForgotPassword", nobody));
        if (response.functionError() != null) {
            log.warn(
                    "Trigger warm-up failed: {} {}",
                    response.functionError(),
                    response.payload().asUtf8String());
        }
    }

    private <T extends AutoCloseable> T track(T resource) {
        return closer.register(resource);
    }

    @Override
    public String name() {
        return "LocalStack";
    }

    @Override
    public String confirmSignUp(String email, String name) {
        User user = new User(UUID.randomUUID().toString(), email, name);
        users.put(email, user);
        confirm(postConfirmationEvent("PostConfirmation_ConfirmSignUp", user));
        return user.sub();
    }

    @Override
    public void confirmForgotPassword(String email) {
        User user = users.get(email);
        if (user == null) {
            throw new IllegalArgumentException("No user confirmed with that email in this environment");
        }
        confirm(postConfirmationEvent("PostConfirmation_ConfirmForgotPassword", user));
    }

    /** What Cognito does with a PostConfirmation trigger: invoke synchronously, expect the event back. */
    private void confirm(byte[] event) {
        InvokeResponse response = invokeTrigger(event);
        if (response.functionError() != null) {
            throw new IllegalStateException("The trigger failed (" + response.functionError() + "): "
                    + response.payload().asUtf8String());
        }
        triggerInvocations.incrementAndGet();
        try {
            JsonNode returned = JSON.readTree(response.payload().asByteArray());
            if (!returned.equals(JSON.readTree(event))) {
                throw new IllegalStateException("The trigger did not return the event unchanged: " + returned);
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "The trigger returned no JSON: " + response.payload().asUtf8String(), e);
        }
    }

    private InvokeResponse invokeTrigger(byte[] event) {
        return invoker.invoke(b -> b.functionName(LocalPipeline.TRIGGER_FUNCTION)
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .payload(SdkBytes.fromByteArray(event)));
    }

    /** The PostConfirmation event as Cognito sends it for a pool whose users sign in with their email. */
    private byte[] postConfirmationEvent(String triggerSource, User user) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "1");
        event.put("region", region);
        event.put("userPoolId", poolId);
        event.put("userName", user.sub());
        ObjectNode caller = event.putObject("callerContext");
        caller.put("awsSdkVersion", "aws-sdk-unknown-unknown");
        caller.put("clientId", CLIENT_ID);
        event.put("triggerSource", triggerSource);
        ObjectNode attributes = event.putObject("request").putObject("userAttributes");
        attributes.put("sub", user.sub());
        attributes.put("email_verified", "true");
        attributes.put("cognito:user_status", "CONFIRMED");
        attributes.put("cognito:email_alias", user.email());
        attributes.put("name", user.name());
        attributes.put("email", user.email());
        event.putObject("response");
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public long triggerInvocations() {
        return triggerInvocations.get();
    }

    /**
     * Records the provisioner finished, counted from its own log lines in CloudWatch Logs (one per
     * record: provisioned, dead-lettered or retry scheduled). LocalStack ships a function's output
     * after the invocation, so the count is read until two reads a second apart agree.
     */
    @Override
    public long provisionerRecords() {
        long previous = -1;
        Instant deadline = Instant.now().plusSeconds(15);
        while (true) {
            String output = logsOf(LocalPipeline.PROVISIONER_FUNCTION);
            long count = count(output, "Provisioned accountId=")
                    + count(output, "Dead-lettered accountId=")
                    + count(output, "Retry scheduled accountId=");
            if (count == previous || Instant.now().isAfter(deadline)) {
                return count;
            }
            previous = count;
            sleep(Duration.ofSeconds(1));
        }
    }

    private static long count(String text, String needle) {
        long count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
            count++;
        }
        return count;
    }

    @Override
    public Invocation invokeProvisioner(byte[] event) {
        InvokeResponse response = invoker.invoke(b -> b.functionName(LocalPipeline.PROVISIONER_FUNCTION)
                .invocationType(InvocationType.REQUEST_RESPONSE)
                .payload(SdkBytes.fromByteArray(event)));
        return new Invocation(
                response.payload().asByteArray(),
                response.functionError() != null,
                "status " + response.statusCode() + ", functionError " + response.functionError());
    }

    /** Read back from LocalStack's {@code GET /_aws/ses}: {@code {"messages": [{"Id", "Source", ...}]}}. */
    @Override
    public List<SentEmail> sentEmails() {
        JsonNode root;
        try {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(endpoint.resolve("/_aws/ses"))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("LocalStack's /_aws/ses answered " + response.statusCode());
            }
            root = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read LocalStack's sent emails", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading LocalStack's sent emails", e);
        }
        List<SentEmail> emails = new ArrayList<>();
        for (JsonNode message : root.path("messages")) {
            List<String> to = new ArrayList<>();
            message.path("Destination").path("ToAddresses").forEach(a -> to.add(a.asText()));
            JsonNode body = message.path("Body");
            String html = body.path("html_part").asText(null);
            emails.add(new SentEmail(
                    message.path("Id").asText(),
                    message.path("Source").asText(),
                    to,
                    html != null ? html : body.path("text_part").asText("")));
        }
        return emails;
    }

    @Override
    public String functionLogs() {
        return logsOf(LocalPipeline.TRIGGER_FUNCTION) + "\n" + logsOf(LocalPipeline.PROVISIONER_FUNCTION);
    }

    private String logsOf(String function) {
        StringBuilder text = new StringBuilder();
        try {
            for (FilteredLogEvent event : logs.filterLogEventsPaginator(b -> b.logGroupName("/aws/lambda/" + function))
                    .events()) {
                text.append(event.message()).append('\n');
            }
        } catch (ResourceNotFoundException e) {
            // The function has not logged anything yet.
        }
        return text.toString();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    @Override
    public String poolId() {
        return poolId;
    }

    @Override
    public String region() {
        return region;
    }

    @Override
    public String senderAddress() {
        return resources.senderAddress();
    }

    @Override
    public String tableName() {
        return resources.tableName();
    }

    @Override
    public String queueUrl() {
        return resources.queueUrl();
    }

    @Override
    public String deadLetterQueueUrl() {
        return resources.deadLetterQueueUrl();
    }

    @Override
    public SqsClient sqs() {
        return sqs;
    }

    @Override
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    @Override
    public void close() {
        closer.close();
    }
}
