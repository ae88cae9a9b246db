package dev.provisioning.common;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
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

    /** The earliest {@code confirmedAt} accepted: before Amazon Cognito existed, so no real confirmation. */
    static final Instant EARLIEST_CONFIRMATION = Instant.parse("2014-01-01T00:00:00Z");

    /** The latest {@code confirmedAt} accepted: far enough for any clock skew, near enough for any metric. */
    static final Instant LATEST_CONFIRMATION = Instant.parse("2200-01-01T00:00:00Z");

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

    /** Writes a message as compact JSON (through {@link UserConfirmedWriter}, the one writer). */
    public String encode(UserConfirmed message) {
        return UserConfirmedWriter.write(message);
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
        if (version == null || version.isNull()) {
            throw new MalformedMessageException(Reason.MISSING_FIELD, "Field schemaVersion is missing");
        }
        // Exactly the integer 1: not 1.0, "1", or a long that truncates to 1 (4294967297).
        if (!version.isIntegralNumber()
                || !version.canConvertToInt()
                || version.intValue() != UserConfirmed.SCHEMA_VERSION) {
            throw new MalformedMessageException(
                    Reason.UNSUPPORTED_SCHEMA_VERSION,
                    "Schema version (" + typeName(version) + ") is not supported (this provisioner reads version "
                            + UserConfirmed.SCHEMA_VERSION + ")");
        }
        String userPoolId = requiredText(root, "userPoolId");
        String sub = requiredText(root, "sub");
        String idempotencyKey = requiredText(root, "idempotencyKey", MessageText.MAX_IDEMPOTENCY_KEY_CODE_POINTS);
        if (!idempotencyKey.equals(UserConfirmed.idempotencyKey(userPoolId, sub))) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field idempotencyKey does not match userPoolId#sub");
        }
        String email = optionalText(root, "email", MessageText.MAX_EMAIL_CODE_POINTS);
        if (email != null && !EmailAddresses.isPlausible(email)) {
            throw new MalformedMessageException(Reason.INVALID_FIELD, "Field email is not a valid address");
        }
        return new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                requiredText(root, "messageId"),
                idempotencyKey,
                userPoolId,
                optionalText(root, "userName", MessageText.MAX_TEXT_CODE_POINTS),
                sub,
                email,
                optionalBoolean(root, "emailVerified"),
                optionalText(root, "name", MessageText.MAX_TEXT_CODE_POINTS),
                optionalText(root, "triggerSource", MessageText.MAX_TEXT_CODE_POINTS),
                requiredInstant(root, "confirmedAt"),
                optionalText(root, "region", MessageText.MAX_TEXT_CODE_POINTS),
                optionalText(root, "clientId", MessageText.MAX_TEXT_CODE_POINTS),
                stringMap(root, "clientMetadata"),
                optionalText(root, "locale", MessageText.MAX_TEXT_CODE_POINTS));
    }

    private static String requiredText(JsonNode root, String field) {
        return requiredText(root, field, MessageText.MAX_TEXT_CODE_POINTS);
    }

    private static String requiredText(JsonNode root, String field, int maxCodePoints) {
        String value = optionalText(root, field, maxCodePoints);
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
        if (value.length() > maxLength && MessageText.codePoints(value) > maxLength) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " is longer than " + maxLength + " code points");
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
        Instant instant;
        try {
            instant = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD, "Field " + field + " is not an ISO-8601 instant", e);
        }
        if (instant.isBefore(EARLIEST_CONFIRMATION) || !instant.isBefore(LATEST_CONFIRMATION)) {
            throw new MalformedMessageException(
                    Reason.INVALID_FIELD,
                    "Field " + field + " is outside " + EARLIEST_CONFIRMATION + " to " + LATEST_CONFIRMATION);
        }
        return instant;
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
