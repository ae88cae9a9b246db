package dev.provisioning.ops.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.CognitoArbitraries;
import dev.provisioning.common.MessageText;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.common.UserConfirmedCodec;
import dev.provisioning.common.UserConfirmedProducer;
import dev.provisioning.common.UserConfirmedWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * For any user reconcile would heal, its message is one SQS takes and the decoder accepts, and it is what the trigger
 * would have sent for the same user: the same key, names, address and verification.
 */
class ReconcileProperties {

    private static final Instant MODIFIED = Instant.parse("2026-11-30T08:00:00Z");
    private static final UserConfirmedCodec CODEC = UserConfirmedCodec.create();
    private final Reconciler reconciler =
            new Reconciler(null, null, null, Clock.fixed(Instant.parse("2026-12-03T00:00:00Z"), ZoneOffset.UTC));

    @Provide
    Arbitrary<Map<String, String>> attributes() {
        return CognitoArbitraries.attributes(false);
    }

    @Provide
    Arbitrary<String> pools() {
        return CognitoArbitraries.poolIds(false)
                .filter(pool -> !MessageText.clean(pool, 2048).isBlank());
    }

    @Property
    void message_forAnyOwedUser_isWhatTheTriggerWouldHaveSent(
            @ForAll("pools") String pool, @ForAll("attributes") Map<String, String> attributes) {
        String sub = attributes.get("sub");
        Assume.that(sub != null && !MessageText.clean(sub, 2048).isBlank());
        UserType user = UserType.builder()
                .username("user-name")
                .userStatus(UserStatusType.EXTERNAL_PROVIDER)
                .userLastModifiedDate(MODIFIED)
                .attributes(attributes.entrySet().stream()
                        .map(e -> AttributeType.builder()
                                .name(e.getKey())
                                .value(e.getValue())
                                .build())
                        .toList())
                .build();

        UserConfirmed healed = reconciler.message(pool, user);

        String body = UserConfirmedWriter.write(healed);
        assertThat(MessageText.isSqsText(body)).isTrue();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MessageText.MAX_BODY_BYTES);
        assertThat(CODEC.decode(body)).isEqualTo(healed);
        UserConfirmed triggered = UserConfirmedProducer.produce(
                        new UserConfirmedProducer.CognitoUser(
                                pool,
                                "user-name",
                                "eu-central-1",
                                "PostConfirmation_ConfirmSignUp",
                                "client",
                                attributes,
                                Map.of("k", "v")),
                        "other-id",
                        Instant.parse("2026-12-01T00:00:00Z"))
                .orElseThrow()
                .message();
        for (var field : List.<java.util.function.Function<UserConfirmed, Object>>of(
                UserConfirmed::idempotencyKey,
                UserConfirmed::userPoolId,
                UserConfirmed::sub,
                UserConfirmed::userName,
                UserConfirmed::email,
                UserConfirmed::emailVerified,
                UserConfirmed::name)) {
            assertThat(field.apply(healed)).isEqualTo(field.apply(triggered));
        }
        assertThat(healed.confirmedAt()).isEqualTo(MODIFIED);
        assertThat(healed.triggerSource()).isEqualTo(UserConfirmedProducer.RECONCILE_SOURCE);
    }
}
