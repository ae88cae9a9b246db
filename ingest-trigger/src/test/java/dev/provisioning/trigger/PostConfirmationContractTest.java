package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.CognitoUserPoolPostConfirmationEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.AwsSettings;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.MetricNames;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import software.amazon.awssdk.regions.Region;

/**
 * The trigger against events shaped exactly as Cognito sends them, read the way AWS's Java runtime
 * reads them: what goes back to Cognito, and what goes on the queue.
 */
class PostConfirmationContractTest {

    private static final List<String> FIXTURES = Fixtures.ALL;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    /** Fields of a fixture that {@code CognitoUserPoolPostConfirmationEvent} does not model (JSON pointers). */
    private static final Map<String, List<String>> UNMODELLED_FIELDS = Map.of(
            "unknown-fields.json",
            List.of(
                    "/futureTopLevelField",
                    "/callerContext/sourceIp",
                    "/request/userContextData",
                    "/request/futureRequestField"));

    private final RecordingSqsClient sqs = new RecordingSqsClient();
    private final List<String> logs = new ArrayList<>();
    private final List<String> metrics = new ArrayList<>();
    private final PostConfirmationHandler handler = new PostConfirmationHandler(new ConfirmationIngest(
            sqs,
            config(EnqueueFailurePolicy.FAIL_OPEN),
            new TriggerReporter(
                    logs::add,
                    metrics::add,
                    new dev.provisioning.common.metrics.MetricsSettings("CognitoProvisioning", "ingest-trigger"),
                    Clock.fixed(NOW, ZoneOffset.UTC)),
            Clock.fixed(NOW, ZoneOffset.UTC),
            ColdStart.none()));
    private final PojoSerializer<CognitoUserPoolPostConfirmationEvent> runtimeSerializer =
            LambdaEventSerializers.serializerFor(
                    CognitoUserPoolPostConfirmationEvent.class, getClass().getClassLoader());

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void handleRequest_whenCognitoSendsEvent_returnsTheSameBytes(String fixture) throws Exception {
        byte[] event = Fixtures.event(fixture);

        byte[] output = invoke(event);

        assertThat(output).isEqualTo(event);
    }

    /**
     * What the trigger returns, read by the Java runtime's serializer into its Cognito event type and
     * written back by the same serializer ({@code toJson}), is the fixture: no field the runtime's
     * model knows is lost or changed. The model has no members for {@code response} (the serializer
     * drops it, which is one reason the handler returns raw bytes) nor for fields Cognito added after
     * it; those are checked on the raw output instead.
     */
    @ParameterizedTest
    @FieldSource("FIXTURES")
    void handleRequest_whenOutputReserializedByRuntime_matchesTheFixtureTree(String fixture) throws Exception {
        byte[] event = Fixtures.event(fixture);

        byte[] output = invoke(event);

        CognitoUserPoolPostConfirmationEvent returned = runtimeSerializer.fromJson(new ByteArrayInputStream(output));
        ByteArrayOutputStream reserialized = new ByteArrayOutputStream();
        runtimeSerializer.toJson(returned, reserialized);
        ObjectNode expected = (ObjectNode) JSON.readTree(event);
        expected.remove("response");
        for (String pointer : UNMODELLED_FIELDS.getOrDefault(fixture, List.of())) {
            JsonPointer path = JsonPointer.compile(pointer);
            assertThat(expected.at(path).isMissingNode()).as(pointer).isFalse();
            ((ObjectNode) expected.at(path.head())).remove(path.last().getMatchingProperty());
        }
        assertThat(JSON.readTree(reserialized.toByteArray())).isEqualTo(expected);
        JsonNode raw = JSON.readTree(output);
        JsonNode response = raw.get("response");
        assertThat(response).isNotNull();
        assertThat(response.isObject()).isTrue();
        assertThat(response.isEmpty()).isTrue();
        for (String pointer : UNMODELLED_FIELDS.getOrDefault(fixture, List.of())) {
            assertThat(raw.at(pointer))
                    .as(pointer)
                    .isEqualTo(JSON.readTree(event).at(pointer));
        }
    }

    @ParameterizedTest
    @FieldSource("FIXTURES")
    void handleRequest_whenEventParsed_agreesWithRuntimeSerializer(String fixture) throws Exception {
        byte[] event = Fixtures.event(fixture);
        CognitoUserPoolPostConfirmationEvent expected = runtimeSerializer.fromJson(new ByteArrayInputStream(event));

        PostConfirmationEvent parsed = PostConfirmationEvent.parse(event);

        assertThat(parsed.triggerSource()).isEqualTo(expected.getTriggerSource());
        assertThat(parsed.userPoolId()).isEqualTo(expected.getUserPoolId());
        assertThat(parsed.userName()).isEqualTo(expected.getUserName());
        assertThat(parsed.region()).isEqualTo(expected.getRegion());
        assertThat(parsed.clientId()).isEqualTo(expected.getCallerContext().getClientId());
        assertThat(parsed.userAttributes()).isEqualTo(expected.getRequest().getUserAttributes());
        Map<String, String> metadata = expected.getRequest().getClientMetadata();
        assertThat(parsed.clientMetadata()).isEqualTo(metadata == null ? Map.of() : metadata);
    }

    @Test
    void handleRequest_whenConfirmSignUp_enqueuesOneMessageWithTheContractFields() throws Exception {
        invoke(Fixtures.event("confirm-sign-up.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.userPoolId()).isEqualTo("eu-central-1_DYtybOJbi");
        assertThat(message.sub()).isEqualTo("3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69");
        assertThat(message.idempotencyKey()).isEqualTo("eu-central-1_DYtybOJbi#3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69");
        assertThat(message.userName()).isEqualTo("3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69");
        assertThat(message.email()).isEqualTo("ada@example.com");
        assertThat(message.emailVerified()).isTrue();
        assertThat(message.name()).isEqualTo("Ada Lovelace");
        assertThat(message.triggerSource()).isEqualTo("PostConfirmation_ConfirmSignUp");
        assertThat(message.confirmedAt()).isEqualTo(NOW);
        assertThat(message.region()).isEqualTo("eu-central-1");
        assertThat(message.clientId()).isEqualTo("4k2ve0uv009fvo2acavctdx2ab");
        assertThat(message.clientMetadata())
                .containsExactlyInAnyOrderEntriesOf(Map.of("campaign", "spring-launch", "locale", "en-GB"));
        assertThat(sqs.sent.get(0).messageAttributes().get("schemaVersion").stringValue())
                .isEqualTo("1");
        assertThat(sqs.sent.get(0).queueUrl()).isEqualTo(QUEUE_URL);
    }

    @Test
    void handleRequest_whenNoClientMetadata_enqueuesEmptyMetadataAndGivenFamilyName() throws Exception {
        invoke(Fixtures.event("confirm-sign-up-without-client-metadata.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.clientMetadata()).isEmpty();
        assertThat(message.name()).isEqualTo("Grace Hopper");
        assertThat(message.userName()).isEqualTo("grace@example.com");
    }

    @Test
    void handleRequest_whenConfirmForgotPassword_enqueuesNothing() throws Exception {
        byte[] event = Fixtures.event("confirm-forgot-password.json");

        byte[] output = invoke(event);

        assertThat(sqs.sent).isEmpty();
        assertThat(output).isEqualTo(event);
        assertThat(logs).isEmpty();
        assertThat(metrics).singleElement().satisfies(line -> assertThat(TriggerLines.parse(line)
                        .get(MetricNames.TRIGGER_SKIPPED)
                        .asInt())
                .isEqualTo(1));
    }

    @Test
    void handleRequest_whenFederatedUser_enqueuesProviderUserNameAndUnverifiedEmail() throws Exception {
        invoke(Fixtures.event("federated-google.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.userName()).isEqualTo("Google_104812345678901234567");
        assertThat(message.sub()).isEqualTo("a1b2c3d4-e5f6-4789-a012-b3c4d5e6f7a8");
        assertThat(message.email()).isEqualTo("linus@example.com");
        assertThat(message.emailVerified()).isFalse();
        assertThat(message.name()).isEqualTo("Linus Pauling");
    }

    /**
     * A federated IdP mapped something that is not an address into {@code email}. Sent as is, the
     * provisioner's decoder would reject the message (INVALID_FIELD, to the DLQ, no account); the
     * trigger sends {@code email: null} instead: an account, no welcome email.
     */
    @Test
    void handleRequest_whenFederatedEmailIsImplausible_enqueuesWithoutEmailAndWarnsWithoutIt() throws Exception {
        byte[] event = Fixtures.event("federated-saml-implausible-email.json");

        byte[] output = invoke(event);

        assertThat(output).isEqualTo(event);
        UserConfirmed message = onlyMessage();
        assertThat(message.sub()).isEqualTo("d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a");
        assertThat(message.email()).isNull();
        assertThat(message.hasEmail()).isFalse();
        assertThat(message.emailVerified()).isFalse();
        assertThat(message.name()).isEqualTo("Ada Lovelace");
        assertThat(sqs.sent.get(0).messageBody()).contains("\"email\":null").doesNotContain("ada.lovelace@");
        assertThat(logs).singleElement().satisfies(line -> {
            assertThat(TriggerLines.field(line, "level")).isEqualTo("WARN");
            assertThat(TriggerLines.field(line, "sub")).isEqualTo("d4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a");
            assertThat(line).doesNotContain("ada.lovelace@", "corp.example");
        });
        assertThat(metrics).singleElement().satisfies(line -> assertThat(TriggerLines.parse(line)
                        .get(MetricNames.TRIGGER_ENQUEUED)
                        .asInt())
                .isEqualTo(1));
    }

    @Test
    void handleRequest_whenPhoneOnlyUser_enqueuesMessageWithoutEmail() throws Exception {
        invoke(Fixtures.event("phone-only.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.email()).isNull();
        assertThat(message.hasEmail()).isFalse();
        assertThat(message.emailVerified()).isFalse();
        assertThat(message.name()).isEmpty();
        assertThat(sqs.sent.get(0).messageBody()).contains("\"email\":null");
    }

    @Test
    void handleRequest_whenNameIsNotAscii_enqueuesItUnchanged() throws Exception {
        invoke(Fixtures.event("non-ascii-name.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.name()).isEqualTo("山田 太郎 — Zoë Ødegård-Łukasiewicz 🎉");
        assertThat(message.clientMetadata()).containsEntry("greeting", "こんにちは");
    }

    @Test
    void handleRequest_whenEventHasUnknownFields_ignoresThemAndEnqueues() throws Exception {
        invoke(Fixtures.event("unknown-fields.json"));

        UserConfirmed message = onlyMessage();
        assertThat(message.sub()).isEqualTo("c9d0e1f2-a3b4-4c5d-8e6f-7a8b9c0d1e2f");
        assertThat(message.clientId()).isEqualTo("4future5678901abcdefghijkl");
        assertThat(message.clientMetadata()).isEmpty();
        assertThat(message.name()).isEqualTo("Rosalind Franklin");
    }

    @Test
    void handleRequest_whenRecordedByCognitoLocal_enqueues() throws Exception {
        // The shape cognito-local 5.3.0 sends (localstack/src/test/resources/fixtures/), pretty-printed with spaces.
        byte[] event = """
                {
                  "version" : "0",
                  "callerContext" : { "awsSdkVersion" : "2.1693.0", "clientId" : "597j2yzbk9erslfq2ar4xasy3" },
                  "region" : "local",
                  "userPoolId" : "local_4ymFZ2TC",
                  "triggerSource" : "PostConfirmation_ConfirmSignUp",
                  "userName" : "cea51eba-4477-4090-aa07-dbd4b4b7181b",
                  "request" : { "userAttributes" : { "cognito:user_status" : "CONFIRMED",
                    "email" : "ada@example.com", "name" : "Ada Lovelace",
                    "sub" : "cea51eba-4477-4090-aa07-dbd4b4b7181b" } },
                  "response" : { }
                }
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8);

        byte[] output = invoke(event);

        assertThat(output).isEqualTo(event);
        assertThat(onlyMessage().sub()).isEqualTo("cea51eba-4477-4090-aa07-dbd4b4b7181b");
    }

    @Test
    void handleRequest_whenAMemberNameHoldsAnUnpairedSurrogate_returnsTheEventAndFailsOpenSayingWhy() throws Exception {
        // Pinned: Jackson's parser refuses the name before the trigger sees a field. Cognito cannot send this.
        byte[] event = new String(Fixtures.event("confirm-sign-up.json"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"userAttributes\": {", "\"userAttributes\": {\"\\ud800\": \"x\", ")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(new String(event, java.nio.charset.StandardCharsets.UTF_8)).contains("\\ud800");

        byte[] output = invoke(event);

        assertThat(output).isEqualTo(event);
        assertThat(sqs.sent).isEmpty();
        assertThat(logs).anySatisfy(line -> assertThat(line).contains("event is not a JSON object"));
    }

    private byte[] invoke(byte[] event) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), output, new FakeContext(5000));
        return output.toByteArray();
    }

    private UserConfirmed onlyMessage() {
        assertThat(sqs.sent).hasSize(1);
        // The provisioner's decoder is the judge of the contract.
        return UserConfirmedCodec.create().decode(sqs.sent.get(0).messageBody());
    }

    static final String QUEUE_URL = "http://127.0.0.1:9/000000000000/provisioning";

    static TriggerConfig config(EnqueueFailurePolicy policy) {
        return new TriggerConfig(
                QUEUE_URL,
                policy,
                Duration.ofMillis(2000),
                Duration.ofMillis(500),
                new AwsSettings(
                        Region.US_EAST_1,
                        Settings.of(Map.of())::optionalUri,
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(2)));
    }
}
