package dev.provisioning.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.provisioning.common.UserConfirmed;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Writes {@link UserConfirmed} with Jackson's streaming generator, so the trigger never loads
 * jackson-databind. It writes exactly what {@code UserConfirmedCodec.encode} writes (same fields,
 * same order); a test holds the two to the same bytes and decodes this output with the codec.
 */
final class UserConfirmedWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private UserConfirmedWriter() {}

    static String write(UserConfirmed message) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schemaVersion", message.schemaVersion());
            json.writeStringField("messageId", message.messageId());
            json.writeStringField("idempotencyKey", message.idempotencyKey());
            json.writeStringField("userPoolId", message.userPoolId());
            json.writeStringField("userName", message.userName());
            json.writeStringField("sub", message.sub());
            json.writeStringField("email", message.email());
            json.writeBooleanField("emailVerified", message.emailVerified());
            json.writeStringField("name", message.name());
            json.writeStringField("triggerSource", message.triggerSource());
            json.writeStringField("confirmedAt", message.confirmedAt().toString());
            json.writeStringField("region", message.region());
            json.writeStringField("clientId", message.clientId());
            json.writeObjectFieldStart("clientMetadata");
            for (Map.Entry<String, String> entry : message.clientMetadata().entrySet()) {
                json.writeStringField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write UserConfirmed " + message.messageId(), e);
        }
        return out.toString();
    }
}
