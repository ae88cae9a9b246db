package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The contract's rules for every input Cognito allows (see {@link CognitoArbitraries}): whatever the producer makes
 * is a body SQS takes and the decoder accepts, and the decoder refuses anything else only with {@link
 * MalformedMessageException}.
 */
class UserConfirmedContractProperties {

    private static final UserConfirmedCodec CODEC = UserConfirmedCodec.create();
    private static final Instant CONFIRMED_AT = Instant.parse("2026-12-03T10:15:30.123Z");

    @Provide
    Arbitrary<UserConfirmedProducer.CognitoUser> users() {
        return CognitoArbitraries.users(true);
    }

    @Property
    void produce_forAnyCognitoUser_givesABodySqsTakesAndTheDecoderAccepts(
            @ForAll("users") UserConfirmedProducer.CognitoUser user) {
        Optional<UserConfirmedProducer.Produced> produced =
                UserConfirmedProducer.produce(user, "8d8ac610-566d-4ef0-9c22-186b2a5ed793", CONFIRMED_AT);

        String sub = user.attributes().get("sub");
        boolean hasKey = user.userPoolId() != null
                && !MessageText.clean(user.userPoolId(), 2048).isBlank()
                && sub != null
                && !MessageText.clean(sub, 2048).isBlank();
        assertThat(produced.isPresent()).isEqualTo(hasKey);
        if (produced.isEmpty()) {
            return;
        }
        UserConfirmed message = produced.get().message();
        String body = UserConfirmedWriter.write(message);
        assertThat(MessageText.isSqsText(body))
                .as("every character is in SQS's set")
                .isTrue();
        assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(MessageText.MAX_BODY_BYTES);
        assertThat(CODEC.decode(body)).isEqualTo(message);
        assertThat(message.idempotencyKey())
                .isEqualTo(UserConfirmed.idempotencyKey(message.userPoolId(), message.sub()));
        if (message.email() != null) {
            assertThat(EmailAddresses.isPlausible(message.email())).isTrue();
        } else {
            assertThat(message.emailVerified()).isFalse();
        }
    }

    @Property
    void produce_whenTheUserHasAName_keepsItCleanedAndWhole(@ForAll("users") UserConfirmedProducer.CognitoUser user) {
        UserConfirmedProducer.produce(user, "m", CONFIRMED_AT).ifPresent(produced -> {
            String name = user.attributes().get("name");
            String cleaned = MessageText.clean(name, MessageText.MAX_TEXT_CODE_POINTS);
            if (cleaned != null && !cleaned.isBlank()) {
                assertThat(produced.message().name()).isEqualTo(cleaned);
            }
        });
    }

    @Property
    void produce_keepsALocaleThatIsATagAndDropsAnyOther(@ForAll("users") UserConfirmedProducer.CognitoUser user) {
        UserConfirmedProducer.produce(user, "m", CONFIRMED_AT).ifPresent(produced -> {
            String raw = user.attributes().get("locale");
            String locale = produced.message().locale();
            boolean isTag = raw != null
                    && raw.strip().length() <= UserConfirmedProducer.MAX_LOCALE_LENGTH
                    && raw.strip().matches("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*");
            assertThat(locale).isEqualTo(isTag ? raw.strip() : null);
        });
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> valid = CognitoArbitraries.users(false)
                .map(user -> UserConfirmedProducer.produce(user, "id", CONFIRMED_AT))
                .filter(Optional::isPresent)
                .map(produced -> UserConfirmedWriter.write(produced.get().message()));
        Arbitrary<String> mutated = valid.flatMap(body -> Arbitraries.integers()
                .between(0, Math.max(0, body.length() - 1))
                .flatMap(at -> Arbitraries.of(
                        body.substring(0, at),
                        body.substring(0, at) + body.substring(Math.min(body.length(), at + 1)),
                        body.replace("\"schemaVersion\":1", "\"schemaVersion\":" + at),
                        body.replace("\"schemaVersion\":1", "\"schemaVersion\":4294967297"),
                        body.replace("\"schemaVersion\":1", "\"schemaVersion\":1.0"),
                        body.replace("\"schemaVersion\":1", "\"schemaVersion\":\"1\""),
                        body.replace("\"emailVerified\":false", "\"emailVerified\":\"false\""),
                        body.replaceFirst("\"confirmedAt\":\"[^\"]*\"", "\"confirmedAt\":\"0001-01-01T00:00:00Z\""),
                        body.replaceFirst("\"sub\":\"", "\"sub\":[\"") + "]",
                        body.replaceFirst("}$", ",\"locale\":" + at + "}"),
                        body.replaceFirst("}$", ",\"locale\":null}"))));
        Arbitrary<String> json = Arbitraries.of("null", "[]", "{}", "1", "\"s\"", "{\"schemaVersion\":null}", "");
        return Arbitraries.oneOf(valid, mutated, json, CognitoArbitraries.text(300, true));
    }

    @Property
    void decode_forAnyBody_acceptsOrRefusesWithMalformedMessageOnly(@ForAll("bodies") String body) {
        assertThatCode(() -> {
                    try {
                        UserConfirmed message = CODEC.decode(body);
                        // What it accepts, it writes back to a body it accepts again, unchanged.
                        assertThat(CODEC.decode(CODEC.encode(message))).isEqualTo(message);
                    } catch (MalformedMessageException expected) {
                        assertThat(expected.getMessage()).isNotBlank();
                    }
                })
                .doesNotThrowAnyException();
    }
}
