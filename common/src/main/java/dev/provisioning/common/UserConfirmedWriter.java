package dev.provisioning.common;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The one writer of {@link UserConfirmed} JSON: Jackson's streaming generator only, so the trigger never loads
 * jackson-databind. {@link UserConfirmedCodec#encode} delegates here, and {@link UserConfirmedProducer} measures
 * bodies with it.
 */
public final class UserConfirmedWriter {

    private static final JsonFactory JSON = new JsonFactory();

    private UserConfirmedWriter() {}

    /** The message as compact JSON. */
    public static String write(UserConfirmed message) {
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
            if (message.locale() != null) {
                // Optional within version 1: absent rather than null, so the body of a message without one is
                // exactly what producers wrote before the field existed.
                json.writeStringField("locale", message.locale());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write UserConfirmed " + message.messageId(), e);
        }
        return out.toString();
    }

    /** The size of the written message in UTF-8 bytes, as SQS counts it. */
    public static int utf8Length(UserConfirmed message) {
        return write(message).getBytes(StandardCharsets.UTF_8).length;
    }
}
