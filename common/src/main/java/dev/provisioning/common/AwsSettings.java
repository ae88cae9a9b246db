package dev.provisioning.common;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.regions.Region;

/**
 * What every AWS client of a process shares: the region (explicit, never guessed from a profile),
 * optional endpoint overrides for local emulators, and the SDK's call timeouts.
 *
 * <p>Endpoint overrides use the SDK's standard variable names ({@code AWS_ENDPOINT_URL_SQS},
 * {@code AWS_ENDPOINT_URL_DYNAMODB}, ...), so the AWS CLI pointed at the same emulators reads the
 * same environment.
 *
 * @param region the region of every client
 * @param endpointOverrides the environment, to look endpoint overrides up in
 * @param apiCallTimeout the bound on one SDK call, all retries included
 * @param apiCallAttemptTimeout the bound on one HTTP attempt
 */
public record AwsSettings(
        Region region, Settings endpointOverrides, Duration apiCallTimeout, Duration apiCallAttemptTimeout) {

    static AwsSettings from(Settings settings) {
        String region = settings.optional(FunctionEnvironment.AWS_REGION)
                .or(() -> settings.optional(FunctionEnvironment.AWS_DEFAULT_REGION))
                .orElseThrow(() -> new ConfigurationException(
                        "Missing required environment variable AWS_REGION (the region of the queue, table and"
                                + " SES identity; Lambda sets it)"));
        return new AwsSettings(
                Region.of(region),
                settings,
                settings.millis(
                        FunctionEnvironment.AWS_API_CALL_TIMEOUT_MS, Duration.ofSeconds(10), Duration.ofMillis(50)),
                settings.millis(
                        FunctionEnvironment.AWS_API_CALL_ATTEMPT_TIMEOUT_MS,
                        Duration.ofSeconds(3),
                        Duration.ofMillis(50)));
    }

    /** The endpoint override for a service, e.g. {@code "SQS"} reads {@code AWS_ENDPOINT_URL_SQS}. */
    public Optional<URI> endpointFor(String serviceId) {
        String key = "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT).replace(' ', '_');
        return endpointOverrides.optionalUri(key).or(() -> endpointOverrides.optionalUri("AWS_ENDPOINT_URL"));
    }

    /** A copy with other timeouts, e.g. the trigger's budget-bound ones. */
    public AwsSettings withTimeouts(Duration callTimeout, Duration attemptTimeout) {
        return new AwsSettings(region, endpointOverrides, callTimeout, attemptTimeout);
    }
}
