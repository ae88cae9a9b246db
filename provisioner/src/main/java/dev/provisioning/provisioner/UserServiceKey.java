package dev.provisioning.provisioner;

import dev.provisioning.common.ConfigurationException;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Where the user-service API key comes from: AWS Secrets Manager ({@code USER_SERVICE_API_KEY_SECRET_ARN}), read
 * once at init and kept for the sandbox's life, or, for a user service on loopback only (a local run), the plain
 * {@code USER_SERVICE_API_KEY}. A key in a plain variable would sit in the function's configuration, readable by
 * anyone who may read it; a secret is readable only by the roles granted on it.
 */
final class UserServiceKey {

    private UserServiceKey() {}

    /**
     * The key for {@code config}'s user service, or empty when none is configured.
     *
     * @param secrets a Secrets Manager client, used only when a secret ARN is configured
     * @throws ConfigurationException when the secret cannot be read, or a plain key is set for a remote service
     */
    static Optional<String> resolve(
            ProvisionerConfig config, java.util.function.Supplier<SecretsManagerClient> secrets) {
        if (config.userServiceApiKeySecretArn().isPresent()) {
            String arn = config.userServiceApiKeySecretArn().get();
            try (SecretsManagerClient client = secrets.get()) {
                String value = client.getSecretValue(b -> b.secretId(arn)).secretString();
                if (value == null || value.isBlank()) {
                    throw new ConfigurationException("The secret " + arn + " (USER_SERVICE_API_KEY_SECRET_ARN) has no"
                            + " string value: store the user-service API key as the secret's text");
                }
                return Optional.of(value.strip());
            } catch (SdkException e) {
                throw new ConfigurationException(
                        "Could not read the user-service API key from the secret " + arn
                                + " (USER_SERVICE_API_KEY_SECRET_ARN): "
                                + e.getClass().getSimpleName()
                                + "; grant secretsmanager:GetSecretValue on it to the provisioner's role",
                        e);
            }
        }
        if (config.userServiceApiKey().isPresent()
                && config.userServiceUrl().map(ProvisionerConfig::isLoopback).orElse(false)) {
            return config.userServiceApiKey();
        }
        if (config.userServiceApiKey().isPresent()) {
            throw new ConfigurationException("USER_SERVICE_API_KEY is only for a user service on loopback (a local"
                    + " run); store the key in Secrets Manager and set USER_SERVICE_API_KEY_SECRET_ARN");
        }
        return Optional.empty();
    }
}
