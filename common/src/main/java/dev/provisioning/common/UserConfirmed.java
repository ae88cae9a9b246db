package dev.provisioning.common;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Version 1 of the message the ingest trigger puts on the provisioning queue and the provisioner
 * consumes: the contract between the two functions (documented in {@code docs/message-contract.md}).
 *
 * <p>{@link #idempotencyKey()} is {@code userPoolId#sub}, not the message id: a retried trigger,
 * a redelivery and a replay from the dead-letter queue all carry the same key and so provision the
 * same account once. {@link #messageId()} is unique per enqueue and only traces one copy.
 *
 * @param schemaVersion always {@link #SCHEMA_VERSION} for this type
 * @param messageId unique per enqueue (a UUID chosen by the trigger)
 * @param idempotencyKey {@code userPoolId + "#" + sub}
 * @param userPoolId the Cognito user pool id, e.g. {@code eu-central-1_DYtybOJbi}
 * @param userName the Cognito user name (an email or a UUID, depending on pool settings)
 * @param sub the user's immutable Cognito subject
 * @param email the user's email address, or {@code null} for users without one (phone-only)
 * @param emailVerified Cognito's {@code email_verified} attribute
 * @param name the user's display name, possibly empty; free text chosen by the user
 * @param triggerSource the Cognito trigger source that produced this message
 * @param confirmedAt when the trigger saw the confirmation
 * @param region the region of the user pool
 * @param clientId the app client the user confirmed through, or {@code null}
 * @param clientMetadata Cognito's {@code clientMetadata}, never {@code null}
 * @param locale Cognito's {@code locale} attribute (a BCP 47 tag such as {@code de-AT}), or {@code null}: the
 *     language of the welcome email. Optional, added within version 1 (a consumer that does not know it ignores it)
 */
public record UserConfirmed(
        int schemaVersion,
        String messageId,
        String idempotencyKey,
        String userPoolId,
        String userName,
        String sub,
        String email,
        boolean emailVerified,
        String name,
        String triggerSource,
        Instant confirmedAt,
        String region,
        String clientId,
        Map<String, String> clientMetadata,
        String locale) {

    /** The schema version this type describes. */
    public static final int SCHEMA_VERSION = 1;

    /**
     * The SQS message attribute every producer sets, of type {@code Number} and value {@link #SCHEMA_VERSION}, so a
     * consumer can route by version without parsing the body.
     */
    public static final String SCHEMA_VERSION_ATTRIBUTE = "schemaVersion";

    public UserConfirmed {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(userPoolId, "userPoolId");
        Objects.requireNonNull(sub, "sub");
        Objects.requireNonNull(confirmedAt, "confirmedAt");
        clientMetadata = clientMetadata == null ? Map.of() : Map.copyOf(clientMetadata);
        name = name == null ? "" : name;
    }

    /** A message without a locale (the user's welcome email is in the default locale). */
    public UserConfirmed(
            int schemaVersion,
            String messageId,
            String idempotencyKey,
            String userPoolId,
            String userName,
            String sub,
            String email,
            boolean emailVerified,
            String name,
            String triggerSource,
            Instant confirmedAt,
            String region,
            String clientId,
            Map<String, String> clientMetadata) {
        this(
                schemaVersion,
                messageId,
                idempotencyKey,
                userPoolId,
                userName,
                sub,
                email,
                emailVerified,
                name,
                triggerSource,
                confirmedAt,
                region,
                clientId,
                clientMetadata,
                null);
    }

    /** The key that identifies one account: a user pool id and a sub. */
    public static String idempotencyKey(String userPoolId, String sub) {
        return userPoolId + "#" + sub;
    }

    /** Whether this user has an address to send a welcome email to. */
    public boolean hasEmail() {
        return email != null && !email.isBlank();
    }
}
