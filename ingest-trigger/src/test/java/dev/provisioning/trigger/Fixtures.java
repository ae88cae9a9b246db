package dev.provisioning.trigger;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The Cognito PostConfirmation events under {@code src/test/resources/events/}. */
final class Fixtures {

    static final List<String> ALL = List.of(
            "confirm-sign-up.json",
            "confirm-sign-up-without-client-metadata.json",
            "confirm-forgot-password.json",
            "federated-google.json",
            "federated-saml-implausible-email.json",
            "phone-only.json",
            "non-ascii-name.json",
            "unknown-fields.json");

    private Fixtures() {}

    static byte[] event(String name) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/events/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("No fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
