package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.AwsSettings;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.trigger.ConfirmationIngest.EnqueueFailedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The enqueue against an SQS that is down, black-holed, throttling, or healthy (ElasticMQ), through
 * the trigger's own client configuration. "Within the budget" is shown by the outcome, the kind of
 * timeout the SDK reports, and the number of attempts, never by reading a clock.
 *
 * <p>Load on the machine can only make things slower, so every budget here is generous in the
 * direction load attacks: the trigger's request path is loaded once before any test (as the
 * sandbox's priming does), a budget that must let a request through is seconds, not a few hundred
 * milliseconds, and where the budget does not decide the outcome it is as large as Cognito's 5 s allow.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EnqueueDeadlineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POOL = "eu-central-1_DYtybOJbi";
    private static final String SUB = "3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69";
    private static final String EMAIL = "ada@example.com";

    /**
     * Far above every budget here, so the client's socket timeouts (which the cap sets) never end a
     * call: only the budget's call and attempt timeouts can, and they are told apart by the exception.
     */
    private static final Duration CAP = Duration.ofSeconds(30);

    /** The most an invocation can have: Cognito's 5 s (the budget is 4500 ms after the 500 ms margin). */
    private static final Duration COGNITO_MAX = ColdStart.COGNITO_TIMEOUT;

    /**
     * What the black-hole tests leave the invocation: 2500 ms - 500 ms margin = a 2000 ms budget,
     * attempts of 666 ms. Long enough for a loaded machine to get the first request out; each such
     * test waits this long, so not longer.
     */
    private static final Duration BLACK_HOLE_REMAINING = Duration.ofMillis(2500);

    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<String> metrics = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private SQSRestServer elasticMq;
    private URI elasticMqEndpoint;
    private SqsClient client;

    @BeforeAll
    void startElasticMq() {
        elasticMq = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion("us-east-1")
                .withAWSAccountId("000000000000")
                .start();
        elasticMqEndpoint = URI.create("http://127.0.0.1:"
                + elasticMq.waitUntilStarted().localAddress().getPort());
        warmUp();
    }

    /**
     * One enqueue through the trigger's client and code path, without a deadline that matters, before
     * any test: a sandbox primes its client at init, so the first invocation never loads the SDK's
     * request path on its budget; without this, whichever test runs first would.
     */
    private void warmUp() {
        createQueue("warm-up");
        TriggerConfig config = config(elasticMqEndpoint, "warm-up", EnqueueFailurePolicy.FAIL_CLOSED);
        try (SqsClient warm = sqsClient(config)) {
            Outcome outcome = new ConfirmationIngest(warm, config, reporter(), Clock.systemUTC(), ColdStart.none())
                    .handle(Fixtures.event("confirm-sign-up.json"), COGNITO_MAX, "warm-up");
            assertThat(outcome).as("the warm-up enqueue").isEqualTo(Outcome.ENQUEUED);
        }
    }

    @AfterAll
    void stopElasticMq() {
        if (elasticMq != null) {
            elasticMq.stopAndWait();
        }
    }

    @BeforeEach
    void reset() {
        errors.clear();
        metrics.clear();
        attempts.set(0);
    }

    @AfterEach
    void closeClient() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void handle_whenSqsIsDown_failsOpenAfterBoundedRetriesWithoutEmailInLog() throws Exception {
        ConfirmationIngest ingest = ingest(closedPort(), "provisioning", EnqueueFailurePolicy.FAIL_OPEN);

        Outcome outcome = ingest.handle(Fixtures.event("confirm-sign-up.json"), COGNITO_MAX, "request-1");

        assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
        // Retried, but never past the strategy's bound.
        assertThat(attempts.get()).isBetween(2, TriggerRuntime.MAX_ATTEMPTS);
        assertThat(errors).singleElement().satisfies(line -> {
            assertThat(line).doesNotContain(EMAIL, "Ada");
            JsonNode error = JSON.readTree(line);
            assertThat(error.get("level").asText()).isEqualTo("ERROR");
            assertThat(error.get("message").asText()).startsWith("Enqueue failed, sign-up proceeds (fail-open)");
            assertThat(error.get("requestId").asText()).isEqualTo("request-1");
            assertThat(error.get("poolId").asText()).isEqualTo(POOL);
            assertThat(error.get("sub").asText()).isEqualTo(SUB);
            assertThat(error.get("policy").asText()).isEqualTo("FAIL_OPEN");
            assertThat(error.get("error").asText()).startsWith("SdkClientException");
        });
        assertThat(metrics).singleElement().satisfies(line -> {
            JsonNode emf = JSON.readTree(line);
            assertThat(emf.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("CognitoProvisioning");
            assertThat(emf.at("/_aws/CloudWatchMetrics/0/Metrics").findValuesAsText("Name"))
                    .containsExactly(
                            MetricNames.TRIGGER_ENQUEUED,
                            MetricNames.TRIGGER_SKIPPED,
                            MetricNames.TRIGGER_ENQUEUE_FAILED,
                            MetricNames.TRIGGER_DURATION);
            assertThat(emf.get(MetricNames.TRIGGER_ENQUEUE_FAILED).asInt()).isEqualTo(1);
            assertThat(emf.get(MetricNames.TRIGGER_ENQUEUED).asInt()).isZero();
            assertThat(emf.get(MetricNames.TRIGGER_SKIPPED).asInt()).isZero();
            assertThat(emf.get(MetricNames.TRIGGER_DURATION).asDouble()).isPositive();
            // Exactly the dimension set the infra alarm matches on.
            assertThat(emf.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString())
                    .isEqualTo("[\"" + MetricNames.DIMENSION_FUNCTION + "\"]");
            assertThat(emf.get(MetricNames.DIMENSION_FUNCTION).asText()).isEqualTo("ingest-trigger");
            // Correlation members, not dimensions; never the address.
            assertThat(emf.get("requestId").asText()).isEqualTo("request-1");
            assertThat(emf.get("sub").asText()).isEqualTo(SUB);
            assertThat(line).doesNotContain(EMAIL);
        });
    }

    @Test
    void handleRequest_whenSqsIsDownAndFailOpen_returnsTheEvent() throws Exception {
        ConfirmationIngest ingest = ingest(closedPort(), "provisioning", EnqueueFailurePolicy.FAIL_OPEN);
        byte[] event = Fixtures.event("confirm-sign-up.json");
        ByteArrayOutputStream output = new ByteArrayOutputStream();

        new PostConfirmationHandler(ingest)
                .handleRequest(new ByteArrayInputStream(event), output, new FakeContext(5000));

        assertThat(output.toByteArray()).isEqualTo(event);
        assertThat(metrics).hasSize(1);
    }

    /** Cognito shows a thrown error's message to the caller: it names nothing; the log line does. */
    @Test
    void handleRequest_whenSqsIsDownAndFailClosed_throwsAGenericMessageAndLogsPoolAndSub() throws Exception {
        ConfirmationIngest ingest = ingest(closedPort(), "provisioning", EnqueueFailurePolicy.FAIL_CLOSED);
        byte[] event = Fixtures.event("confirm-sign-up.json");

        assertThatThrownBy(() -> new PostConfirmationHandler(ingest)
                        .handleRequest(
                                new ByteArrayInputStream(event), new ByteArrayOutputStream(), new FakeContext(5000)))
                .isInstanceOf(EnqueueFailedException.class)
                .hasMessage(EnqueueFailedException.CLIENT_MESSAGE)
                .hasCauseInstanceOf(software.amazon.awssdk.core.exception.SdkClientException.class)
                .message()
                .doesNotContain(SUB, POOL, EMAIL, "budget");
        assertThat(attempts.get()).isBetween(2, TriggerRuntime.MAX_ATTEMPTS);
        assertThat(errors).singleElement().satisfies(line -> {
            assertThat(line).doesNotContain(EMAIL);
            assertThat(TriggerLines.field(line, "message")).contains("fail-closed");
            assertThat(TriggerLines.field(line, "policy")).isEqualTo("FAIL_CLOSED");
            assertThat(TriggerLines.field(line, "poolId")).isEqualTo(POOL);
            assertThat(TriggerLines.field(line, "sub")).isEqualTo(SUB);
        });
        assertThat(metrics).singleElement().satisfies(line -> assertThat(TriggerLines.parse(line)
                        .get(MetricNames.TRIGGER_ENQUEUE_FAILED)
                        .asInt())
                .isEqualTo(1));
    }

    @Test
    void handle_whenSqsNeverAnswers_givesUpAtTheBudgetWithBoundedAttempts() throws Exception {
        try (FaultServer blackHole = FaultServer.start(FaultServer.Fault.BLACK_HOLE)) {
            ConfirmationIngest ingest = ingest(blackHole.endpoint(), "provisioning", EnqueueFailurePolicy.FAIL_OPEN);

            Outcome outcome = ingest.handle(Fixtures.event("confirm-sign-up.json"), BLACK_HOLE_REMAINING, "request-1");

            // It returned although the black hole never answers (it holds every request until closed),
            // and by the budget's timeouts: the socket timeout (the 30 s cap) would be an I/O error.
            assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
            assertThat(errors).singleElement().satisfies(line -> {
                assertThat(TriggerLines.field(line, "error")).containsPattern("^ApiCall(Attempt)?TimeoutException");
                assertThat(TriggerLines.field(line, "reason")).contains("budget of 2000 ms");
            });
            assertThat(blackHole.requests()).isBetween(1, TriggerRuntime.MAX_ATTEMPTS);
            assertThat(attempts.get()).isBetween(1, TriggerRuntime.MAX_ATTEMPTS);
        }
    }

    @Test
    void handle_whenSqsNeverAnswersAndFailClosed_throwsTimeout() throws Exception {
        try (FaultServer blackHole = FaultServer.start(FaultServer.Fault.BLACK_HOLE)) {
            ConfirmationIngest ingest = ingest(blackHole.endpoint(), "provisioning", EnqueueFailurePolicy.FAIL_CLOSED);

            assertThatThrownBy(() ->
                            ingest.handle(Fixtures.event("confirm-sign-up.json"), BLACK_HOLE_REMAINING, "request-1"))
                    .isInstanceOf(EnqueueFailedException.class)
                    .cause()
                    .hasMessageContaining("timeout")
                    .isInstanceOfAny(
                            software.amazon.awssdk.core.exception.ApiCallTimeoutException.class,
                            software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.class);
            assertThat(blackHole.requests()).isBetween(1, TriggerRuntime.MAX_ATTEMPTS);
        }
    }

    /**
     * Throttling is retried with the SDK's throttling back-off (two sleeps of at most 1 s and 2 s). The
     * budget here is the most Cognito allows (4500 ms): it fits every attempt and both sleeps, so the
     * outcome shows the retries ran out, not the clock; with a 2 s cap a long back-off can end the
     * call as ApiCallTimeoutException instead.
     */
    @Test
    void handle_whenSqsThrottles_retriesMaxAttemptsThenFailsOpenNamingTheErrorCode() throws Exception {
        try (FaultServer throttling = FaultServer.start(FaultServer.Fault.THROTTLING)) {
            ConfirmationIngest ingest = ingest(throttling.endpoint(), "provisioning", EnqueueFailurePolicy.FAIL_OPEN);

            Outcome outcome = ingest.handle(Fixtures.event("confirm-sign-up.json"), COGNITO_MAX, "request-1");

            assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
            assertThat(throttling.requests()).isGreaterThanOrEqualTo(2).isEqualTo(TriggerRuntime.MAX_ATTEMPTS);
            assertThat(errors).singleElement().satisfies(line -> {
                assertThat(TriggerLines.field(line, "sub")).isEqualTo(SUB);
                assertThat(TriggerLines.field(line, "error")).startsWith("SqsException");
                assertThat(TriggerLines.field(line, "errorCode")).isEqualTo("ThrottlingException");
            });
        }
    }

    @Test
    void handle_whenSqsThrottlesAndFailClosed_throwsWithTheThrottlingCause() throws Exception {
        try (FaultServer throttling = FaultServer.start(FaultServer.Fault.THROTTLING)) {
            ConfirmationIngest ingest = ingest(throttling.endpoint(), "provisioning", EnqueueFailurePolicy.FAIL_CLOSED);

            assertThatThrownBy(() -> ingest.handle(Fixtures.event("confirm-sign-up.json"), COGNITO_MAX, "request-1"))
                    .isInstanceOf(EnqueueFailedException.class)
                    .cause()
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException"));
            assertThat(throttling.requests()).isEqualTo(TriggerRuntime.MAX_ATTEMPTS);
        }
    }

    @Test
    void handle_whenSqsIsHealthy_deliversOneMessageWithTheContractFields() throws Exception {
        String queueUrl = createQueue("healthy");
        ConfirmationIngest ingest = ingest(elasticMqEndpoint, "healthy", EnqueueFailurePolicy.FAIL_CLOSED);

        Outcome outcome = ingest.handle(Fixtures.event("confirm-sign-up.json"), COGNITO_MAX, "request-1");

        assertThat(outcome).isEqualTo(Outcome.ENQUEUED);
        assertThat(attempts.get()).isEqualTo(1);
        List<Message> received = receive(queueUrl);
        assertThat(received).hasSize(1);
        assertThat(received.get(0).messageAttributes().get("schemaVersion").stringValue())
                .isEqualTo("1");
        UserConfirmed message =
                UserConfirmedCodec.create().decode(received.get(0).body());
        assertThat(message.idempotencyKey()).isEqualTo(POOL + "#" + SUB);
        assertThat(message.email()).isEqualTo(EMAIL);
        assertThat(message.name()).isEqualTo("Ada Lovelace");
        assertThat(message.clientMetadata()).containsEntry("campaign", "spring-launch");
        assertThat(errors).isEmpty();
        assertThat(metrics).singleElement().satisfies(line -> {
            JsonNode emf = TriggerLines.parse(line);
            assertThat(emf.get(MetricNames.TRIGGER_ENQUEUED).asInt()).isEqualTo(1);
            assertThat(emf.get(MetricNames.TRIGGER_ENQUEUE_FAILED).asInt()).isZero();
            assertThat(emf.get("outcome").asText()).isEqualTo("ENQUEUED");
        });
    }

    @Test
    void handle_whenPhoneOnlyUserAndSqsHealthy_deliversMessageWithNullEmail() throws Exception {
        String queueUrl = createQueue("phone");
        ConfirmationIngest ingest = ingest(elasticMqEndpoint, "phone", EnqueueFailurePolicy.FAIL_CLOSED);

        ingest.handle(Fixtures.event("phone-only.json"), COGNITO_MAX, "request-1");

        UserConfirmed message =
                UserConfirmedCodec.create().decode(receive(queueUrl).get(0).body());
        assertThat(message.email()).isNull();
        assertThat(message.hasEmail()).isFalse();
    }

    /** Whether priming works, not how fast: the init's 500 ms bound is the product's, not this machine's. */
    @Test
    void prime_whenQueueReachable_succeeds() {
        createQueue("prime");
        TriggerConfig config = config(elasticMqEndpoint, "prime", EnqueueFailurePolicy.FAIL_OPEN);
        client = sqsClient(config);

        assertThat(new TriggerRuntime(config, client, credentials(), reporter(), Clock.systemUTC(), ColdStart.none())
                        .prime(TriggerRuntime.CHECKPOINT_PRIME_TIMEOUT.multipliedBy(5)))
                .isTrue();
    }

    @Test
    void prime_whenSqsIsDown_returnsFalseInsteadOfThrowing() throws Exception {
        TriggerConfig config = config(closedPort(), "provisioning", EnqueueFailurePolicy.FAIL_CLOSED);
        client = sqsClient(config);

        assertThat(new TriggerRuntime(config, client, credentials(), reporter(), Clock.systemUTC(), ColdStart.none())
                        .prime(TriggerRuntime.PRIME_TIMEOUT))
                .isFalse();
    }

    @Test
    void handle_whenNoTimeLeftAfterMargin_failsWithoutCallingSqs() throws Exception {
        ConfirmationIngest ingest = ingest(closedPort(), "provisioning", EnqueueFailurePolicy.FAIL_OPEN);

        Outcome outcome = ingest.handle(Fixtures.event("confirm-sign-up.json"), Duration.ofMillis(400), "request-1");

        assertThat(outcome).isEqualTo(Outcome.ENQUEUE_FAILED);
        assertThat(attempts.get()).isZero();
        assertThat(errors).singleElement().satisfies(line -> assertThat(TriggerLines.field(line, "reason"))
                .contains("no time left"));
    }

    private ConfirmationIngest ingest(URI endpoint, String queue, EnqueueFailurePolicy policy) {
        TriggerConfig config = config(endpoint, queue, policy);
        client = sqsClient(config);
        return new ConfirmationIngest(client, config, reporter(), Clock.systemUTC(), ColdStart.none());
    }

    private TriggerReporter reporter() {
        return new TriggerReporter(
                errors::add,
                metrics::add,
                new dev.provisioning.common.metrics.MetricsSettings("CognitoProvisioning", "ingest-trigger"),
                Clock.systemUTC());
    }

    private SqsClient sqsClient(TriggerConfig config) {
        ExecutionInterceptor countAttempts = new ExecutionInterceptor() {
            @Override
            public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
                attempts.incrementAndGet();
            }
        };
        return TriggerRuntime.sqsClient(config, credentials(), List.of(countAttempts));
    }

    private static TriggerConfig config(URI endpoint, String queue, EnqueueFailurePolicy policy) {
        return new TriggerConfig(
                endpoint + "/000000000000/" + queue,
                policy,
                CAP,
                Duration.ofMillis(500),
                new AwsSettings(
                        Region.US_EAST_1,
                        Settings.of(Map.of("AWS_ENDPOINT_URL_SQS", endpoint.toString()))::optionalUri,
                        Duration.ofSeconds(10),
                        Duration.ofSeconds(3)));
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
    }

    private String createQueue(String name) {
        try (SqsClient admin = plainClient()) {
            return admin.createQueue(b -> b.queueName(name)).queueUrl();
        }
    }

    private List<Message> receive(String queueUrl) {
        try (SqsClient admin = plainClient()) {
            return admin.receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .waitTimeSeconds(1)
                            .messageAttributeNames("All"))
                    .messages();
        }
    }

    private SqsClient plainClient() {
        return SqsClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(elasticMqEndpoint)
                .credentialsProvider(credentials())
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create())
                .build();
    }

    /** A loopback port with nothing listening: bound, then released. */
    private static URI closedPort() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return URI.create("http://127.0.0.1:" + port);
    }
}
