package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The findings the contract properties stand guard over, each as the example that first showed it. */
class UserConfirmedProducerTest {

    private static final UserConfirmedCodec CODEC = UserConfirmedCodec.create();
    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    private static final String POOL = "eu-central-1_DYtybOJbi";
    private static final String SUB = "3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69";

    private static UserConfirmed produce(Map<String, String> attributes, Map<String, String> metadata) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.putIfAbsent("sub", SUB);
        return UserConfirmedProducer.produce(
                        new UserConfirmedProducer.CognitoUser(
                                POOL, "user", "eu-central-1", "PostConfirmation_ConfirmSignUp", "c", all, metadata),
                        "m-1",
                        NOW)
                .orElseThrow()
                .message();
    }

    private static UserConfirmed roundTrip(UserConfirmed message) {
        String body = UserConfirmedWriter.write(message);
        assertThat(MessageText.isSqsText(body)).isTrue();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MessageText.MAX_BODY_BYTES);
        return CODEC.decode(body);
    }

    @Test
    void produce_whenGivenAndFamilyNamesAreEachAtTheirMaximum_cutsTheJoinedNameSoItIsAccepted() {
        UserConfirmed message =
                produce(Map.of("given_name", "g".repeat(2048), "family_name", "f".repeat(2048)), Map.of());

        assertThat(MessageText.codePoints(message.name())).isEqualTo(MessageText.MAX_TEXT_CODE_POINTS);
        assertThat(message.name()).startsWith("g".repeat(2048));
        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void decode_whenANameOf2048EmojiIsCountedInCodePoints_acceptsIt() {
        // 2048 code points, 4096 UTF-16 units: Cognito counts the former.
        UserConfirmed message = produce(Map.of("name", "😀".repeat(2048)), Map.of());

        assertThat(roundTrip(message).name()).isEqualTo("😀".repeat(2048));
    }

    @Test
    void produce_whenTextHoldsCharactersSqsRefuses_removesThem() {
        UserConfirmed message = produce(
                Map.of("name", "Zo\uFFFEë\uFFFF \uD800x\u0001", "custom:tenant", "t"), Map.of("k\uFFFF", "v\uDFFF"));

        assertThat(message.name()).isEqualTo("Zoë x");
        assertThat(message.clientMetadata()).isEqualTo(Map.of("k", "v"));
        assertThat(roundTrip(message)).isEqualTo(message);
    }

    @Test
    void produce_whenClientMetadataWouldPassSqsLimit_dropsEntriesUntilTheBodyFits() {
        Map<String, String> metadata = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            metadata.put("k" + i, "x".repeat(60_000));
        }

        UserConfirmedProducer.Produced produced = UserConfirmedProducer.produce(
                        new UserConfirmedProducer.CognitoUser(
                                POOL,
                                "user",
                                null,
                                "PostConfirmation_ConfirmSignUp",
                                null,
                                Map.of("sub", SUB),
                                metadata),
                        "m-1",
                        NOW)
                .orElseThrow();

        assertThat(produced.metadataDropped()).isEqualTo(2);
        assertThat(produced.message().clientMetadata()).hasSize(4);
        assertThat(roundTrip(produced.message())).isEqualTo(produced.message());
    }

    @Test
    void produce_whenTheSubIsAtCognitosMaximum_givesAKeyTheDecoderAccepts() {
        UserConfirmed message = produce(Map.of("sub", "s".repeat(2048)), Map.of());

        assertThat(roundTrip(message).idempotencyKey()).isEqualTo(POOL + "#" + "s".repeat(2048));
    }

    @Test
    void produce_whenTheEmailIsImplausible_dropsItAndItsVerification() {
        UserConfirmed message = produce(Map.of("email", "not an address", "email_verified", "true"), Map.of());

        assertThat(message.email()).isNull();
        assertThat(message.emailVerified()).isFalse();
    }

    @Test
    void produce_whenPoolOrSubIsMissingOrOnlyRefusedCharacters_givesNothing() {
        assertThat(UserConfirmedProducer.produce(
                        new UserConfirmedProducer.CognitoUser(
                                POOL, "u", null, "s", null, Map.of("sub", "\uFFFF"), Map.of()),
                        "m",
                        NOW))
                .isEmpty();
        assertThat(UserConfirmedProducer.produce(
                        new UserConfirmedProducer.CognitoUser(null, "u", null, "s", null, Map.of("sub", SUB), Map.of()),
                        "m",
                        NOW))
                .isEmpty();
    }

    @Test
    void decode_whenSchemaVersionTruncatesToOne_refusesItAsUnsupported() {
        String body = UserConfirmedWriter.write(produce(Map.of(), Map.of()))
                .replace("\"schemaVersion\":1", "\"schemaVersion\":4294967297");

        assertThatThrownBy(() -> CODEC.decode(body))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(MalformedMessageException.Reason.UNSUPPORTED_SCHEMA_VERSION));
    }

    @Test
    void decode_whenConfirmedAtIsFarInThePast_refusesItBeforeAnySideEffect() {
        String body =
                UserConfirmedWriter.write(produce(Map.of(), Map.of())).replace(NOW.toString(), "0001-01-01T00:00:00Z");

        assertThatThrownBy(() -> CODEC.decode(body))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(MalformedMessageException.Reason.INVALID_FIELD));
    }
}
