package dev.provisioning.trigger;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.provisioning.common.UserConfirmedProducer;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of a Cognito PostConfirmation event that the trigger uses, read with Jackson's
 * streaming parser (no data binding: fewer classes to load on a cold start). The handler returns
 * the original bytes, so fields this class does not know about reach Cognito unchanged.
 *
 * @param triggerSource e.g. {@link #CONFIRM_SIGN_UP}
 * @param userPoolId the pool id
 * @param userName the user name (an email, a UUID, or {@code Provider_id} for federated users)
 * @param region the pool's region
 * @param clientId {@code callerContext.clientId}, or {@code null}
 * @param userAttributes {@code request.userAttributes}; Cognito sends every value as a string
 * @param clientMetadata {@code request.clientMetadata}, empty when absent
 */
record PostConfirmationEvent(
        String triggerSource,
        String userPoolId,
        String userName,
        String region,
        String clientId,
        Map<String, String> userAttributes,
        Map<String, String> clientMetadata) {

    static final String CONFIRM_SIGN_UP = "PostConfirmation_ConfirmSignUp";
    static final String CONFIRM_FORGOT_PASSWORD = "PostConfirmation_ConfirmForgotPassword";

    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Reads an event.
     *
     * @throws IOException if the bytes are not one JSON object
     */
    static PostConfirmationEvent parse(byte[] event) throws IOException {
        try (JsonParser parser = JSON.createParser(event)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("event is not a JSON object");
            }
            String triggerSource = null;
            String userPoolId = null;
            String userName = null;
            String region = null;
            String clientId = null;
            Map<String, String> attributes = Map.of();
            Map<String, String> metadata = Map.of();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "triggerSource" -> triggerSource = text(parser, value);
                    case "userPoolId" -> userPoolId = text(parser, value);
                    case "userName" -> userName = text(parser, value);
                    case "region" -> region = text(parser, value);
                    case "callerContext" -> clientId = readObject(parser, value).get("clientId");
                    case "request" -> {
                        if (value == JsonToken.START_OBJECT) {
                            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                                String requestField = parser.currentName();
                                JsonToken requestValue = parser.nextToken();
                                switch (requestField) {
                                    case "userAttributes" -> attributes = readObject(parser, requestValue);
                                    case "clientMetadata" -> metadata = readObject(parser, requestValue);
                                    default -> parser.skipChildren();
                                }
                            }
                        } else {
                            parser.skipChildren();
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            return new PostConfirmationEvent(
                    triggerSource, userPoolId, userName, region, clientId, attributes, metadata);
        }
    }

    String attribute(String name) {
        return userAttributes.get(name);
    }

    /** The user as the one producer of messages sees it. */
    UserConfirmedProducer.CognitoUser toCognitoUser() {
        return new UserConfirmedProducer.CognitoUser(
                userPoolId, userName, region, triggerSource, clientId, userAttributes, clientMetadata);
    }

    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    /** The string members of an object; members of other types are skipped, non-objects give empty. */
    private static Map<String, String> readObject(JsonParser parser, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Map.of();
        }
        Map<String, String> values = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            String text = text(parser, parser.nextToken());
            if (text != null) {
                values.put(name, text);
            }
        }
        return values;
    }
}
