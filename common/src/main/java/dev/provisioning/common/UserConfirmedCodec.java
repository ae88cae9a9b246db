package dev.provisioning.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.MalformedMessageException.Reason;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads and writes {@link UserConfirmed} as JSON, the wire format on the queue.
 *
 * <p>Decoding is strict about what the contract requires (types, required fields, the schema
 * version) and lenient about what it does not: unknown fields are ignored so that a newer
 * producer may add optional fields within version 1. Every rejection is a {@link
 * MalformedMessageException} whose message names the field, never its value (values may be
 * personal data). Thread-safe; one instance per function.
 */
public final class UserConfirmedCodec {

    /** Cognito caps attribute values at 2048 characters; anything longer did not come from it. */
    static final int MAX_ATTRIBUTE_LENGTH = 2048;

    /** RFC 5321 caps a forward path at 256 octets including the angle brackets. */
    static final int MAX_EMAIL_LENGTH = 254;

    private final ObjectMapper mapper;

    private UserConfirmedCodec() {
        this.mapper = new ObjectMapper();
        // SQS bodies are at most 256 KiB; refuse pathological nesting early.
        mapper.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(16).build());
    }

    public static UserConfirmedCodec create() {
        return new UserConfirmedCodec();
    }

    /** Writes a message as compact JSON. */
    public String encode(UserConfirmed message) {
        ObjectNode node = mapper.createObjectNode();
        node.put("schemaVersion", message.schemaVersion());
        node.put("messageId", message.messageId());
        node.put("idempotencyKey", message.idempotencyKey());
        node.put("userPoolId", message.userPoolId());
        node.put("userName", message.userName());
        node.put("sub", message.sub());
        node.put("email", message.email());
        node.put("emailVerified", message.emailVerified());
        node.put("name", message.name());
        node.put("triggerSource", message.triggerSource());
        node.put("confirmedAt", message.confirmedAt().toString());
        node.put("region", message.region());
        node.put("clientId", message.clientId());
        ObjectNode metadata = node.putObject("clientMetadata");
        message.clientMetadata().forEach(metadata::put);
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Could not encode UserConfirmed " + message.messageId(), e);
        }
    }

    /**
     * Reads a message, validating it against the version 1 contract.
     *
     * @throws MalformedMessageException if the body is not a valid version 1 message
     */
    public UserConfirmed decode(String body) {
        if (body == null || body.isBlank()) {
            throw new MalformedMessageException(Reason.NOT_JSON, "Message body is empty");
        }
        JsonNode root;
        try {
            root = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            // Jackson's own message quotes the offending text, which can be a name or an address.
            throw new MalformedMessageException(Reason.NOT_JSON, "Message body is not JSON" + location(e), e);
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException(Reason.NOT_JSON, "Message body is not a JSON object");
        }
        JsonNode version = root.get("schemaVersion");
        if (version == null || !version.isIntegralNumber()) {
            throw new MalformedMessageException(
                    Reason.MISSING_FIELD, "Field schemaVersion is missing or not an integer");
        }
        if (version.asInt() != UserConfirmed.SCHEMA_VERSION) {
            throw new MalformedMessageException(
                    Reason.UNSUPPORTED_SCHEMA_VERSION,
                    "Schema version " + version.asText() + " is not supported (this provisioner reads version "
                            + UserConfirmed.SCHEMA_VERSION + ")");
        }
        String userPoolId = requiredText(root, "userPoolId");
        String sub = requiredText(root, "sub");
        String idempotencyKey = requiredText(root, "idempotencyKey");
        if (!idempotencyKey.equals(UserConfirmed.idempotencyKey(userPoolId, sub))) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field idempotencyKey does not match userPoolId#sub");
        }
        String email = optionalText(root, "email", MAX_EMAIL_LENGTH);
        if (email != null && !EmailAddresses.isPlausible(email)) {
            throw new MalformedMessageException(Reason.INVALID_FIELD, "Field email is not a valid address");
        }
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                requiredText(root, "messageId"),
                idempotencyKey,
                userPoolId,
                optionalText(root, "userName", MAX_ATTRIBUTE_LENGTH),
                sub,
                email,
                optionalBoolean(root, "emailVerified"),
                optionalText(root, "name", MAX_ATTRIBUTE_LENGTH),
                optionalText(root, "triggerSource", MAX_ATTRIBUTE_LENGTH),
                requiredInstant(root, "confirmedAt"),
                optionalText(root, "region", MAX_ATTRIBUTE_LENGTH),
                optionalText(root, "clientId", MAX_ATTRIBUTE_LENGTH),
                stringMap(root, "clientMetadata"));
    }

    private static String requiredText(JsonNode root, String field) {
        String value = optionalText(root, field, MAX_ATTRIBUTE_LENGTH);
        if (value == null || value.isBlank()) {
            throw new MalformedMessageException(Reason.MISSING_FIELD, "Field " + field + " is missing or empty");
        }
        return value;
    }

    private static String optionalText(JsonNode root, String field, int maxLength) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " must be a string, not " + typeName(node));
        }
        String value = node.textValue();
        if (value.length() > maxLength) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " is longer than " + maxLength + " characters");
        }
        return value;
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            // A boolean is a JSON boolean: the string "true" is refused, never coerced.
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " must be a boolean, not " + typeName(node));
        }
        return node.booleanValue();
    }

    private static Instant requiredInstant(JsonNode root, String field) {
        String text = requiredText(root, field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " is not an ISO-8601 instant", e);
        }
    }

    private static Map<String, String> stringMap(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " must be an object, not " + typeName(node));
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new MalformedMessageException(
                        Reason.INVALID_FIELD, "Field " + field + "." + entry.getKey() + " must be a string");
            }
            values.put(entry.getKey(), entry.getValue().textValue());
        }
        return values;
    }

    private static String typeName(JsonNode node) {
        JsonNodeType type = node.getNodeType();
        return type.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null
                ? ""
                : " (line " + e.getLocation().getLineNr() + ", column "
                        + e.getLocation().getColumnNr() + ")";
    }
}
