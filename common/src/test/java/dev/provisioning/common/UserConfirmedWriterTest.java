package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/** The streaming writer against the codec: the codec encodes through it, and reads its output back. */
class UserConfirmedWriterTest {

    private static final UserConfirmedCodec CODEC = UserConfirmedCodec.create();

    private static final List<UserConfirmed> MESSAGES = List.of(
            message("ada@example.com", "Ada Lovelace", "client-1", Map.of("campaign", "spring", "locale", "en-GB")),
            message(null, "", null, Map.of()),
            message("taro@example.com", "山田 太郎 — Zoë 🎉 \"quoted\" \\ back\u0001slash\n", "c", Map.of("k", "こんにちは")),
            message("o'brien+tag@example.co.uk", "<b>Tom & Jerry</b>", "c", Map.of("", "empty key")));

    @ParameterizedTest
    @FieldSource("MESSAGES")
    void write_whenAnyMessage_writesTheSameJsonAsCommonCodec(UserConfirmed message) {
        assertThat(UserConfirmedWriter.write(message)).isEqualTo(CODEC.encode(message));
    }

    @ParameterizedTest
    @FieldSource("MESSAGES")
    void write_whenDecodedByCommonCodec_givesTheSameMessage(UserConfirmed message) {
        assertThat(CODEC.decode(UserConfirmedWriter.write(message))).isEqualTo(message);
    }

    private static UserConfirmed message(String email, String name, String clientId, Map<String, String> metadata) {
        String pool = "eu-central-1_DYtybOJbi";
        String sub = "3c5a8f2e-7d41-4b8e-9a0f-1e2d3c4b5a69";
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                "8d8ac610-566d-4ef0-9c22-186b2a5ed793",
                UserConfirmed.idempotencyKey(pool, sub),
                pool,
                "user-name",
                sub,
                email,
                email != null,
                name,
                "PostConfirmation_ConfirmSignUp",
                Instant.parse("2026-01-02T03:04:05.123456Z"),
                "eu-central-1",
                clientId,
                metadata);
    }
}
