package dev.provisioning.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.CognitoArbitraries;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.MessageText;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.common.metrics.MetricsSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The trigger against any event Cognito may send (every Unicode plane in every attribute, values at their maximum
 * length, custom and unknown attributes, federated identities, large clientMetadata, unknown fields): it returns
 * exactly the bytes it received, and enqueues exactly one message that SQS takes and the provisioner's decoder
 * accepts, or, only for a sign-up event without a pool id or a sub, reports why and enqueues nothing.
 */
class TriggerProperties {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-12-03T10:15:30Z");
    private static final UserConfirmedCodec CODEC = UserConfirmedCodec.create();

    @Provide
    Arbitrary<byte[]> events() {
        return Combinators.combine(
                        Arbitraries.of(
                                        PostConfirmationEvent.CONFIRM_SIGN_UP,
                                        PostConfirmationEvent.CONFIRM_FORGOT_PASSWORD,
                                        "PostConfirmation_SomethingNew")
                                .injectNull(0.02),
                        CognitoArbitraries.poolIds(false).injectNull(0.03),
                        CognitoArbitraries.text(128, false).injectNull(0.03),
                        CognitoArbitraries.attributes(false),
                        CognitoArbitraries.clientMetadata(false).injectNull(0.3),
                        Arbitraries.of(true, false))
                .as((source, pool, userName, attributes, metadata, unknownFields) -> {
                    ObjectNode event = JSON.createObjectNode();
                    event.put("version", "1");
                    event.put("region", "eu-central-1");
                    event.put("userPoolId", pool);
                    event.put("userName", userName);
                    ObjectNode caller = event.putObject("callerContext");
                    caller.put("awsSdkVersion", "aws-sdk-unknown-unknown");
                    caller.put("clientId", "1example23456789");
                    event.put("triggerSource", source);
                    ObjectNode request = event.putObject("request");
                    ObjectNode userAttributes = request.putObject("userAttributes");
                    attributes.forEach(userAttributes::put);
                    if (metadata != null) {
                        ObjectNode clientMetadata = request.putObject("clientMetadata");
                        metadata.forEach(clientMetadata::put);
                    }
                    event.putObject("response");
                    if (unknownFields) {
                        event.putObject("futureTopLevelField").put("x", 1);
                        request.putArray("futureRequestField").add("y");
                    }
                    try {
                        return JSON.writeValueAsBytes(event);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
    }

    @Property
    void handleRequest_forAnyEvent_returnsItsBytesAndEnqueuesOneAcceptedMessageOrSaysWhy(@ForAll("events") byte[] event)
            throws Exception {
        RecordingSqsClient sqs = new RecordingSqsClient();
        List<String> logs = new ArrayList<>();
        PostConfirmationHandler handler = new PostConfirmationHandler(new ConfirmationIngest(
                sqs,
                PostConfirmationContractTest.config(EnqueueFailurePolicy.FAIL_OPEN),
                new TriggerReporter(
                        logs::add,
                        line -> {},
                        new MetricsSettings("CognitoProvisioning", "ingest-trigger"),
                        Clock.fixed(NOW, ZoneOffset.UTC)),
                Clock.fixed(NOW, ZoneOffset.UTC),
                ColdStart.none()));

        ByteArrayOutputStream output = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), output, new FakeContext(5000));

        assertThat(output.toByteArray()).isEqualTo(event);
        ObjectNode sent = (ObjectNode) JSON.readTree(event);
        boolean signUp = PostConfirmationEvent.CONFIRM_SIGN_UP.equals(
                sent.path("triggerSource").asText(null));
        String pool = sent.path("userPoolId").asText(null);
        String sub = sent.path("request").path("userAttributes").path("sub").asText(null);
        boolean hasKey = pool != null
                && !MessageText.clean(pool, 2048).isBlank()
                && sub != null
                && !MessageText.clean(sub, 2048).isBlank();
        if (!signUp) {
            assertThat(sqs.sent).isEmpty();
            return;
        }
        if (!hasKey) {
            assertThat(sqs.sent).isEmpty();
            assertThat(logs)
                    .anySatisfy(line -> assertThat(line).contains("event lacks userPoolId or the sub attribute"));
            return;
        }
        assertThat(sqs.sent).hasSize(1);
        String body = sqs.sent.get(0).messageBody();
        assertThat(MessageText.isSqsText(body)).isTrue();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MessageText.MAX_BODY_BYTES);
        UserConfirmed message = CODEC.decode(body);
        assertThat(message.idempotencyKey())
                .isEqualTo(UserConfirmed.idempotencyKey(message.userPoolId(), message.sub()));
        assertThat(sqs.sent.get(0).messageAttributes()).containsKey(UserConfirmed.SCHEMA_VERSION_ATTRIBUTE);
        // No address reaches the log, whatever the event held.
        String email = sent.path("request").path("userAttributes").path("email").asText("");
        if (email.contains("@") && email.strip().length() > 3) {
            assertThat(String.join("\n", logs)).doesNotContain(email.strip());
        }
    }
}
