package dev.provisioning.common;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;

/**
 * Builds every synchronous AWS client of a process the same way: explicit region, endpoint
 * override for emulators, call and attempt timeouts, standard retries, and one shared HTTP client.
 *
 * <p>The factory owns the HTTP client; clients built from it share it, so close the factory only
 * after them. Build it once per process (static initialisation or a handler constructor), never
 * per invocation.
 */
public final class AwsClientFactory implements AutoCloseable {

    private final AwsSettings settings;
    private final SdkHttpClient httpClient;
    private final AwsCredentialsProvider credentials;
    private final int maxAttempts;

    private AwsClientFactory(Builder builder) {
        this.settings = builder.settings;
        // The default chain is built only when asked for: it loads many classes a Lambda never uses.
        this.credentials = builder.credentials != null
                ? builder.credentials
                : DefaultCredentialsProvider.builder().build();
        this.maxAttempts = builder.maxAttempts;
        // The socket may wait as long as any one attempt may last: a client that is given the whole
        // call budget for one attempt (SES) must not be cut short by the HTTP layer. The SDK's own
        // attempt timeout still bounds every other client's attempts.
        Duration longestAttempt = max(settings.apiCallAttemptTimeout(), settings.apiCallTimeout());
        this.httpClient = UrlConnectionHttpClient.builder()
                .connectionTimeout(builder.connectionTimeout)
                .socketTimeout(longestAttempt)
                .build();
    }

    /** A factory for a Lambda function: {@link #lambdaCredentials()}, no file or profile look-ups. */
    public static AwsClientFactory forLambda(AwsSettings settings) {
        return builder(settings).credentials(lambdaCredentials()).build();
    }

    /**
     * The credentials a Lambda function has: its environment variables, else the container
     * endpoint. Under SnapStart the snapshot is taken without credential variables and Lambda serves
     * them from the container endpoint ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI}) instead.
     */
    public static AwsCredentialsProvider lambdaCredentials() {
        return AwsCredentialsProviderChain.builder()
                .reuseLastProviderEnabled(true)
                .credentialsProviders(
                        EnvironmentVariableCredentialsProvider.create(),
                        ContainerCredentialsProvider.builder().build())
                .build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    public static Builder builder(AwsSettings settings) {
        return new Builder(settings);
    }

    /**
     * Configures and builds a client, e.g. {@code factory.build(SqsClient.builder(), "SQS")}.
     *
     * @param serviceId the SDK service id whose {@code AWS_ENDPOINT_URL_<ID>} override applies
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(B builder, String serviceId) {
        return build(builder, serviceId, Retries.STANDARD, override -> {});
    }

    /** Which failures the SDK may retry on its own. */
    public enum Retries {
        /** The SDK's standard policy: throttling, 5xx, timeouts and I/O errors. */
        STANDARD,
        /**
         * Only throttling, which the service documents as refusing the request: the call certainly had no effect.
         * Not a 5xx (the service may have acted before it failed to answer), a timeout or an I/O error. For calls
         * that must not be repeated blindly, such as an SES send, which has no idempotency token.
         */
        THROTTLING_ONLY
    }

    /** Like {@link #build(AwsClientBuilder, String)}, with a choice of what the SDK may retry. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, String serviceId, Retries retries) {
        return build(builder, serviceId, retries, override -> {});
    }

    /**
     * Like {@link #build(AwsClientBuilder, String)}, then lets the caller add to the override
     * configuration (e.g. an execution interceptor), after the factory's settings are applied.
     */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, String serviceId, Consumer<ClientOverrideConfiguration.Builder> customizer) {
        return build(builder, serviceId, Retries.STANDARD, customizer);
    }

    /** The general form: a retry policy, then the caller's additions to the override configuration. */
    public <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C build(
            B builder, String serviceId, Retries retries, Consumer<ClientOverrideConfiguration.Builder> customizer) {
        RetryStrategy strategy = retries == Retries.STANDARD
                ? AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(maxAttempts)
                        .build()
                : StandardRetryStrategy.builder()
                        .maxAttempts(maxAttempts)
                        .retryOnException(AwsClientFactory::isThrottling)
                        .treatAsThrottling(e -> e instanceof AwsServiceException a && a.isThrottlingException())
                        // Without this the client adds its default conditions (5xx, I/O errors) to ours.
                        .useClientDefaults(false)
                        .build();
        ClientOverrideConfiguration.Builder override = ClientOverrideConfiguration.builder()
                .apiCallTimeout(settings.apiCallTimeout())
                .apiCallAttemptTimeout(settings.apiCallAttemptTimeout())
                .retryStrategy(strategy);
        customizer.accept(override);
        builder.region(settings.region())
                .credentialsProvider(credentials)
                .httpClient(httpClient)
                .overrideConfiguration(override.build());
        settings.endpointFor(serviceId).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static boolean isThrottling(Throwable error) {
        return error instanceof AwsServiceException e && e.isThrottlingException();
    }

    /** The shared HTTP client, for the rare non-AWS call a function makes (e.g. the user service). */
    public SdkHttpClient httpClient() {
        return httpClient;
    }

    public AwsSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        httpClient.close();
    }

    /** Options of an {@link AwsClientFactory}. */
    public static final class Builder {
        private final AwsSettings settings;
        private AwsCredentialsProvider credentials;
        private Duration connectionTimeout = Duration.ofSeconds(1);
        private int maxAttempts = 3;

        private Builder(AwsSettings settings) {
            this.settings = settings;
        }

        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
            return this;
        }

        /** SDK attempts per call, first attempt included. */
        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = maxAttempts;
            return this;
        }

        public AwsClientFactory build() {
            return new AwsClientFactory(this);
        }
    }
}
