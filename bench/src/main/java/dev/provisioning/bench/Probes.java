package dev.provisioning.bench;

import java.nio.charset.StandardCharsets;

/** What every probe shares: the event, and the line that tells the bench a handler returned. */
final class Probes {

    static final String DONE = "PROBE-DONE";

    private Probes() {}

    /** A PostConfirmation_ConfirmSignUp event shaped as Cognito sends it. */
    static byte[] event(int n) {
        String sub = "3c5a8f2e-7d41-4b8e-9a0f-" + String.format("%012d", n);
        return ("{\"version\":\"1\",\"triggerSource\":\"PostConfirmation_ConfirmSignUp\",\"region\":\"us-east-1\","
                        + "\"userPoolId\":\"us-east-1_BenchPool\",\"userName\":\"" + sub + "\","
                        + "\"callerContext\":{\"awsSdkVersion\":\"aws-sdk-unknown-unknown\",\"clientId\":\"benchclient\"},"
                        + "\"request\":{\"userAttributes\":{\"sub\":\"" + sub + "\",\"email_verified\":\"true\","
                        + "\"cognito:user_status\":\"CONFIRMED\",\"name\":\"Bench User\",\"email\":\"bench@example.com\"}},"
                        + "\"response\":{}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("The bench sets " + name + " for its probes");
        }
        return value;
    }
}
