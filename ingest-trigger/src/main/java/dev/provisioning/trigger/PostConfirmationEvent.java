package dev.provisioning.trigger;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A read-only view of the fields of a Cognito PostConfirmation event that the trigger uses. It
 * reads the event as a JSON tree and never rebuilds it: the handler returns the original bytes,
 * so fields this class does not know about reach Cognito unchanged.
 */
record PostConfirmationEvent(JsonNode root) {

    static final String CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp";
    static final String CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword";

    String triggerSource() {
        return text(root, "triggerSource");
    }

    String userPoolId() {
        return text(root, "userPoolId");
    }

    String userName() {
        return text(root, "userName");
    }

    String region() {
        return text(root, "region");
    }

    String clientId() {
        return text(root.path("callerContext"), "clientId");
    }

    String attribute(String name) {
        return text(root.path("request").path("userAttributes"), name);
    }

    /** Cognito sends every attribute as a string: {@code "true"}, not {@code true}. */
    boolean booleanAttribute(String name) {
        return "true".equalsIgnoreCase(attribute(name));
    }

    /** The display name: {@code name}, else {@code given_name family_name}, else empty. */
    String displayName() {
        String name = attribute("name");
        if (name != null && !name.isBlank()) {
            return name;
        }
        String given = attribute("given_name");
        String family = attribute("family_name");
        return String.join(" ", given == null ? "" : given, family == null ? "" : family)
                .strip();
    }

    Map<String, String> clientMetadata() {
        JsonNode metadata = root.path("request").path("clientMetadata");
        Map<String, String> values = new LinkedHashMap<>();
        if (metadata.isObject()) {
            for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
                if (entry.getValue().isTextual()) {
                    values.put(entry.getKey(), entry.getValue().textValue());
                }
            }
        }
        return values;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }
}
