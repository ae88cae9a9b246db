package dev.provisioning.local.cognito;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cognitoidentityprovider.CognitoIdentityProviderClient;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserStatusType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * Cognito operations against a running {@link CognitoLocal}, reading confirmation codes from its data files
 * where a real pool would have e-mailed them.
 */
public final class CognitoLocalClient implements AutoCloseable {

    /** A user pool and one app client in it (SignUp and ConfirmSignUp address the pool through the client). */
    public record UserPool(String poolId, String clientId) {}

    private final CognitoIdentityProviderClient cognito;
    private final Path dbDir;
    private final ObjectMapper json = new ObjectMapper();

    /**
     * @param endpoint cognito-local's URL
     * @param region the region its pool ids carry
     * @param workDir cognito-local's working directory, whose {@code .cognito/db} holds the confirmation codes
     */
    CognitoLocalClient(URI endpoint, String region, Path workDir) {
        this.cognito = CognitoIdentityProviderClient.builder()
                .endpointOverride(endpoint)
                .region(Region.of(region))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
        this.dbDir = workDir.resolve(".cognito/db");
    }

    /** The underlying SDK client, for operations without a helper here. */
    public CognitoIdentityProviderClient sdk() {
        return cognito;
    }

    /** Creates a pool with e-mail user names and an app client without a secret. */
    public UserPool createUserPool(String name) {
        String poolId;
        try {
            poolId = cognito.createUserPool(r -> r.poolName(name)).userPool().id();
        } catch (RuntimeException e) {
            throw new IllegalStateException("CreateUserPool " + name + " failed: " + e.getMessage(), e);
        }
        try {
            String clientId = cognito.createUserPoolClient(
                            r -> r.userPoolId(poolId).clientName(name + "-client"))
                    .userPoolClient()
                    .clientId();
            return new UserPool(poolId, clientId);
        } catch (RuntimeException e) {
            throw new IllegalStateException("CreateUserPoolClient in pool " + poolId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * SignUp then ConfirmSignUp with the code from the pool's data file, which fires
     * PostConfirmation_ConfirmSignUp when a trigger is configured.
     *
     * @return the new user's sub (also its Username: cognito-local uses the sub when e-mail is the user name)
     */
    public String signUpAndConfirm(String poolId, String clientId, String email, String password, String name) {
        return signUpAndConfirm(poolId, clientId, email, password, name, null);
    }

    /** Like {@link #signUpAndConfirm(String, String, String, String, String)}, with Cognito's {@code locale}. */
    public String signUpAndConfirm(
            String poolId, String clientId, String email, String password, String name, String locale) {
        List<AttributeType> attributes = new ArrayList<>(List.of(
                attribute("email", email),
                // Cognito marks an auto-verified email verified when the user confirms with the code sent to it;
                // cognito-local does not, so the harness says so at sign-up.
                attribute("email_verified", "true"),
                attribute("name", name)));
        if (locale != null) {
            attributes.add(attribute("locale", locale));
        }
        String sub = call(
                        "SignUp",
                        poolId,
                        email,
                        () -> cognito.signUp(r -> r.clientId(clientId)
                                .username(email)
                                .password(password)
                                .userAttributes(attributes)))
                .userSub();
        String code = confirmationCode(poolId, email, "SignUp");
        call(
                "ConfirmSignUp",
                poolId,
                email,
                () -> cognito.confirmSignUp(
                        r -> r.clientId(clientId).username(email).confirmationCode(code)));
        return sub;
    }

    /** ForgotPassword then ConfirmForgotPassword, which fires PostConfirmation_ConfirmForgotPassword. */
    public void forgotPasswordAndConfirm(String poolId, String clientId, String email, String newPassword) {
        call(
                "ForgotPassword",
                poolId,
                email,
                () -> cognito.forgotPassword(r -> r.clientId(clientId).username(email)));
        String code = confirmationCode(poolId, email, "ForgotPassword");
        call(
                "ConfirmForgotPassword",
                poolId,
                email,
                () -> cognito.confirmForgotPassword(r -> r.clientId(clientId)
                        .username(email)
                        .password(newPassword)
                        .confirmationCode(code)));
    }

    /** All users of the pool whose status is CONFIRMED. */
    public List<UserType> listConfirmedUsers(String poolId) {
        try {
            // cognito-local returns every user in one page without a token; the paginator also copes with real pages.
            return cognito.listUsersPaginator(r -> r.userPoolId(poolId)).users().stream()
                    .filter(u -> u.userStatus() == UserStatusType.CONFIRMED)
                    .toList();
        } catch (RuntimeException e) {
            throw new IllegalStateException("ListUsers in pool " + poolId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        cognito.close();
    }

    /**
     * Reads {@code .cognito/db/<poolId>.json}: {@code {"Users": {"<Username>": {"Attributes": [...],
     * "ConfirmationCode": "123456", ...}}, "Options": {...}}}. With e-mail user names the key is the sub, so the
     * user is found by its email attribute.
     */
    private String confirmationCode(String poolId, String email, String afterStep) {
        Path file = dbDir.resolve(poolId + ".json");
        JsonNode users = readJson(file, poolId, email, afterStep).path("Users");
        for (JsonNode user : users) {
            for (JsonNode attr : user.path("Attributes")) {
                if ("email".equals(attr.path("Name").asText())
                        && email.equals(attr.path("Value").asText())) {
                    JsonNode code = user.path("ConfirmationCode");
                    if (code.isTextual()) {
                        return code.asText();
                    }
                    throw new IllegalStateException("no ConfirmationCode for user " + ref(email) + " in " + file
                            + " after " + afterStep + " (pool " + poolId + ")");
                }
            }
        }
        throw new IllegalStateException(
                "user " + ref(email) + " not found in " + file + " after " + afterStep + " (pool " + poolId + ")");
    }

    private JsonNode readJson(Path file, String poolId, String email, String afterStep) {
        // cognito-local rewrites the whole file on each change (truncate, then write), so a read racing another
        // request can see half a file; a short retry covers that.
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return json.readTree(file.toFile());
            } catch (IOException e) {
                last = e;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw new IllegalStateException(
                "cannot read the confirmation code for user " + ref(email) + " from " + file + " after " + afterStep
                        + " (pool " + poolId + ")",
                last);
    }

    private static <T> T call(String step, String poolId, String email, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    step + " for user " + ref(email) + " in pool " + poolId + " failed: " + e.getMessage(), e);
        }
    }

    private static AttributeType attribute(String name, String value) {
        return AttributeType.builder().name(name).value(value).build();
    }

    /** A short stable reference to an address for error messages, so addresses never reach logs. */
    static String ref(String email) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(email.getBytes(StandardCharsets.UTF_8));
            return "user#" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
