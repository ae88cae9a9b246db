package dev.provisioning.common;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one producer of {@link UserConfirmed}: from a Cognito user (a PostConfirmation event, or a user of {@code
 * ListUsers}) to a message that the provisioner's decoder accepts and SQS takes, by construction. Every limit is
 * applied by normalising, never by failing, so the account never depends on optional data:
 *
 * <ul>
 *   <li>every text field loses the characters SQS refuses and is cut to {@link MessageText#MAX_TEXT_CODE_POINTS}
 *       code points ({@link MessageText#clean});
 *   <li>the name is {@code name}, else {@code given_name family_name}, else empty;
 *   <li>an email that is not a plausible address (or holds a character SQS refuses) is dropped: the user gets an
 *       account and no welcome email; {@code emailVerified} is true only for a kept address Cognito verified;
 *   <li>{@code locale} is kept when it looks like a BCP 47 tag ({@link #usableLocale}), else dropped: the user
 *       then gets the welcome email in the default locale;
 *   <li>{@code clientMetadata} keys and values lose the characters SQS refuses, and entries are dropped until the
 *       body fits {@link MessageText#MAX_BODY_BYTES} (every other field is bounded, so it always fits without them).
 * </ul>
 *
 * Only a user without a pool id or a {@code sub} (after cleaning) gives no message: there is no account key.
 * Uses jackson-core only (through {@link UserConfirmedWriter}), so the trigger can call it without databind.
 */
public final class UserConfirmedProducer {

    /** The {@code triggerSource} of messages that reconcile sends. */
    public static final String RECONCILE_SOURCE = "Reconcile";

    private UserConfirmedProducer() {}

    /**
     * A Cognito user as a producer sees it.
     *
     * @param userPoolId the pool id
     * @param userName Cognito's user name
     * @param region the pool's region, or {@code null}
     * @param triggerSource the Cognito trigger source, or {@link #RECONCILE_SOURCE}
     * @param clientId the app client of the confirmation, or {@code null}
     * @param attributes the user's attributes as Cognito gives them (every value a string)
     * @param clientMetadata Cognito's {@code clientMetadata}; empty when there is none
     */
    public record CognitoUser(
            String userPoolId,
            String userName,
            String region,
            String triggerSource,
            String clientId,
            Map<String, String> attributes,
            Map<String, String> clientMetadata) {

        public CognitoUser {
            attributes = attributes == null ? Map.of() : attributes;
            clientMetadata = clientMetadata == null ? Map.of() : clientMetadata;
        }

        String attribute(String name) {
            return attributes.get(name);
        }
    }

    /**
     * A produced message and what normalising left out, for the producer's report.
     *
     * @param message the message, valid for the decoder and for SQS
     * @param emailDropped the user had an email attribute that is not a usable address
     * @param metadataDropped how many {@code clientMetadata} entries did not fit
     */
    public record Produced(UserConfirmed message, boolean emailDropped, int metadataDropped) {}

    /** The region of a pool id ({@code eu-west-1_AbC} → {@code eu-west-1}), or {@code null}. */
    public static String regionOf(String userPoolId) {
        int underscore = userPoolId == null ? -1 : userPoolId.indexOf('_');
        return underscore > 0 ? userPoolId.substring(0, underscore) : null;
    }

    /**
     * The message for {@code user}, or empty when it has no pool id or no {@code sub}.
     *
     * @param messageId unique per enqueue (a UUID)
     * @param confirmedAt when the confirmation happened, as near as the producer knows
     */
    public static Optional<Produced> produce(CognitoUser user, String messageId, Instant confirmedAt) {
        String poolId = clean(user.userPoolId());
        String sub = clean(user.attribute("sub"));
        if (poolId == null || poolId.isBlank() || sub == null || sub.isBlank()) {
            return Optional.empty();
        }
        String rawEmail = user.attribute("email");
        String email = usableEmail(rawEmail);
        boolean emailDropped = rawEmail != null && !rawEmail.isBlank() && email == null;
        UserConfirmed withAllMetadata = new UserConfirmed(
                UserConfirmed.SCHEMA_VERSION,
                messageId,
                UserConfirmed.idempotencyKey(poolId, sub),
                poolId,
                clean(user.userName()),
                sub,
                email,
                email != null && "true".equalsIgnoreCase(user.attribute("email_verified")),
                displayName(user),
                clean(user.triggerSource()),
                confirmedAt,
                clean(user.region()),
                clean(user.clientId()),
                cleanMetadata(user.clientMetadata()),
                usableLocale(user.attribute("locale")));
        UserConfirmed message = withinSize(withAllMetadata);
        int dropped = withAllMetadata.clientMetadata().size()
                - message.clientMetadata().size();
        return Optional.of(new Produced(message, emailDropped, dropped));
    }

    /** The display name: {@code name}, else {@code given_name family_name}, else empty; cleaned and cut. */
    static String displayName(CognitoUser user) {
        String name = clean(user.attribute("name"));
        if (name != null && !name.isBlank()) {
            return name;
        }
        String given = clean(user.attribute("given_name"));
        String family = clean(user.attribute("family_name"));
        String joined = String.join(" ", given == null ? "" : given, family == null ? "" : family)
                .strip();
        return MessageText.clean(joined, MessageText.MAX_TEXT_CODE_POINTS);
    }

    /** The address if it is one we can send to and SQS can carry, else {@code null}. */
    static String usableEmail(String raw) {
        if (raw == null) {
            return null;
        }
        String email = raw.strip();
        if (email.isEmpty()
                || !MessageText.isSqsText(email)
                || MessageText.codePoints(email) > MessageText.MAX_EMAIL_CODE_POINTS
                || !EmailAddresses.isPlausible(email)) {
            return null;
        }
        return email;
    }

    /** The longest locale kept: a language, script, region and a few variants fit with room to spare. */
    static final int MAX_LOCALE_LENGTH = 64;

    private static final java.util.regex.Pattern LOCALE_TAG =
            java.util.regex.Pattern.compile("[A-Za-z]{2,8}([-_][A-Za-z0-9]{1,8})*");

    /**
     * Cognito's {@code locale} attribute if it looks like a BCP 47 tag ({@code de}, {@code de-AT}, {@code pt_BR}),
     * stripped; else {@code null}. Cognito stores the attribute as free text, so anything else is dropped, never an
     * error: the welcome email then uses the default locale.
     */
    static String usableLocale(String raw) {
        if (raw == null) {
            return null;
        }
        String tag = raw.strip();
        return tag.length() <= MAX_LOCALE_LENGTH && LOCALE_TAG.matcher(tag).matches() ? tag : null;
    }

    private static String clean(String text) {
        return MessageText.clean(text, MessageText.MAX_TEXT_CODE_POINTS);
    }

    /** Keys and values lose what SQS refuses; an entry whose key becomes a duplicate keeps its first value. */
    private static Map<String, String> cleanMetadata(Map<String, String> metadata) {
        Map<String, String> cleaned = new LinkedHashMap<>();
        metadata.forEach((key, value) -> {
            if (key != null && value != null) {
                cleaned.putIfAbsent(clean(key, Integer.MAX_VALUE), clean(value, Integer.MAX_VALUE));
            }
        });
        return cleaned;
    }

    private static String clean(String text, int maxCodePoints) {
        return MessageText.clean(text, maxCodePoints);
    }

    /** The message with as many metadata entries, in order, as keep the body within {@link MessageText#MAX_BODY_BYTES}. */
    private static UserConfirmed withinSize(UserConfirmed message) {
        if (UserConfirmedWriter.utf8Length(message) <= MessageText.MAX_BODY_BYTES) {
            return message;
        }
        List<Map.Entry<String, String>> entries =
                new ArrayList<>(message.clientMetadata().entrySet());
        // Binary search on how many entries fit: the body grows with each entry kept.
        int low = 0;
        int high = entries.size() - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (UserConfirmedWriter.utf8Length(withMetadata(message, entries.subList(0, mid)))
                    <= MessageText.MAX_BODY_BYTES) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return withMetadata(message, entries.subList(0, low));
    }

    private static UserConfirmed withMetadata(UserConfirmed message, List<Map.Entry<String, String>> entries) {
        Map<String, String> kept = new LinkedHashMap<>();
        entries.forEach(entry -> kept.put(entry.getKey(), entry.getValue()));
        return new UserConfirmed(
                message.schemaVersion(),
                message.messageId(),
                message.idempotencyKey(),
                message.userPoolId(),
                message.userName(),
                message.sub(),
                message.email(),
                message.emailVerified(),
                message.name(),
                message.triggerSource(),
                message.confirmedAt(),
                message.region(),
                message.clientId(),
                kept,
                message.locale());
    }
}
