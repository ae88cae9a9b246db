package dev.provisioning.provisioner;

import dev.provisioning.common.UserConfirmed;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Valid version 1 messages for tests, one user per {@code sub}. */
final class Messages {

    static final String POOL = "eu-central-1_DYtybOJbi";

    private Messages() {}

    static UserConfirmed confirmed(String sub) {
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                UUID.randomUUID().toString(),
                UserConfirmed.idempotencyKey(POOL, sub),
                POOL,
                "user-" + sub,
                sub,
                sub + "@example.com",
                true,
                "Ada Lovelace",
                "PostConfirmation_ConfirmSignUp",
                Instant.parse("2026-11-24T10:15:30Z"),
                "eu-central-1",
                "client-1",
                Map.of());
    }

    /** The same message with Cognito's {@code locale} attribute. */
    static UserConfirmed withLocale(UserConfirmed m, String locale) {
        return new UserConfirmed(
                m.schemaVersion(),
                m.messageId(),
                m.idempotencyKey(),
                m.userPoolId(),
                m.userName(),
                m.sub(),
                m.email(),
                m.emailVerified(),
                m.name(),
                m.triggerSource(),
                m.confirmedAt(),
                m.region(),
                m.clientId(),
                m.clientMetadata(),
                locale);
    }
}
