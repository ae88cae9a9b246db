package dev.provisioning.common;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
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
 * @param endpointOverrides looks an endpoint variable up (in the environment), empty when unset
 * @param apiCallTimeout the bound on one SDK call, all retries included
 * @param apiCallAttemptTimeout the bound on one HTTP attempt
 */
public record AwsSettings(
        Region region,
        Function<String, Optional<URI>> endpointOverrides,
        Duration apiCallTimeout,
        Duration apiCallAttemptTimeout) {

    /** The endpoint override for a service, e.g. {@code "SQS"} reads {@code AWS_ENDPOINT_URL_SQS}. */
    public Optional<URI> endpointFor(String serviceId) {
        String key = "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT).replace(' ', '_');
        return endpointOverrides.apply(key).or(() -> endpointOverrides.apply("AWS_ENDPOINT_URL"));
    }

    /** A copy with other timeouts, e.g. the trigger's budget-bound ones. */
    public AwsSettings withTimeouts(Duration callTimeout, Duration attemptTimeout) {
        return new AwsSettings(region, endpointOverrides, callTimeout, attemptTimeout);
    }
}
