package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.provisioning.common.MalformedMessageException.Reason;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserConfirmedCodecTest {

    private final UserConfirmedCodec codec = UserConfirmedCodec.create();

    static UserConfirmed sample() {
        return new UserConfirmed(
                1,
                "11111111-2222-3333-4444-555555555555",
                "eu-central-1_DYtybOJbi#sub-1",
                "eu-central-1_DYtybOJbi",
                "user-1",
                "sub-1",
                "ada@example.com",
                true,
                "Ada <Lovelace>",
                "PostConfirmation_ConfirmSignUp",
                Instant.parse("2026-11-24T10:15:30.123Z"),
                "eu-central-1",
                "client-1",
                Map.of("source", "web"));
    }

    @Test
    void decode_whenEncodedMessage_roundTrips() {
        UserConfirmed message = sample();

        assertThat(codec.decode(codec.encode(message))).isEqualTo(message);
    }

    @Test
    void decode_whenUnknownFields_ignoresThem() {
        String body = codec.encode(sample()).replaceFirst("\\{", "{\"futureField\":{\"x\":1},");

        assertThat(codec.decode(body).sub()).isEqualTo("sub-1");
    }

    @Test
    void decode_whenSchemaVersion2_rejectsAsUnsupported() {
        String body = codec.encode(sample()).replace("\"schemaVersion\":1", "\"schemaVersion\":2");

        assertThatThrownBy(() -> codec.decode(body))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.UNSUPPORTED_SCHEMA_VERSION));
    }

    @Test
    void decode_whenTruncated_rejectsAsNotJson() {
        String body = codec.encode(sample());

        assertThatThrownBy(() -> codec.decode(body.substring(0, body.length() / 2)))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.NOT_JSON));
    }

    @Test
    void decode_whenNotJsonAroundUserText_messageQuotesNoneOfIt() {
        String body = "{\"schemaVersion\":1,\"email\":ada@example.com,\"name\":Zoë}";

        assertThatThrownBy(() -> codec.decode(body)).isInstanceOfSatisfying(MalformedMessageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.NOT_JSON);
            assertThat(e.getMessage()).startsWith("Message body is not JSON").doesNotContain("ada");
        });
    }

    @Test
    void decode_whenEmailVerifiedIsString_rejectsWithFieldNameButNotValue() {
        String body = codec.encode(sample()).replace("\"emailVerified\":true", "\"emailVerified\":\"true\"");

        assertThatThrownBy(() -> codec.decode(body)).isInstanceOfSatisfying(MalformedMessageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_FIELD);
            assertThat(e.getMessage()).contains("emailVerified").doesNotContain("ada@example.com");
        });
    }

    @Test
    void decode_whenSubMissing_rejectsAsMissingField() {
        String body = codec.encode(sample()).replace("\"sub\":\"sub-1\",", "");

        assertThatThrownBy(() -> codec.decode(body))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.MISSING_FIELD));
    }

    @Test
    void decode_whenEmailHasHeaderInjection_rejectsAsInvalid() {
        String body = codec.encode(sample()).replace("ada@example.com", "ada@example.com\\r\\nBcc: x@evil.test");

        assertThatThrownBy(() -> codec.decode(body))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.reason())
                        .isEqualTo(Reason.INVALID_FIELD));
    }

    @Test
    void decode_whenEmailAbsent_acceptsUserWithoutEmail() {
        String body = codec.encode(sample()).replace("\"email\":\"ada@example.com\"", "\"email\":null");

        UserConfirmed decoded = codec.decode(body);

        assertThat(decoded.hasEmail()).isFalse();
    }

    @Test
    void decode_whenIdempotencyKeyDisagrees_rejects() {
        String body = codec.encode(sample()).replace("#sub-1", "#sub-2");

        assertThatThrownBy(() -> codec.decode(body)).isInstanceOf(MalformedMessageException.class);
    }
}
