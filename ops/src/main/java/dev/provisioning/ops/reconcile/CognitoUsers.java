package dev.provisioning.ops.reconcile;

import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/** What reconcile reads of a listed Cognito user. */
final class CognitoUsers {

    private CognitoUsers() {}

    /** The user's {@code sub} attribute, or {@code null} when ListUsers did not return one. */
    static String sub(UserType user) {
        for (AttributeType attribute : user.attributes()) {
            if (attribute.name().equals("sub")) {
                return attribute.value();
            }
        }
        return null;
    }
}
