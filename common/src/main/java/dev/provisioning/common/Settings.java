package dev.provisioning.common;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.regions.Region;

/**
 * Typed access to a function's environment, read once at start-up. The functions, the ops CLI and the local
 * harness read {@code System.getenv} only through it and hand typed configuration on; the one exception is the
 * bench's SDK-floor probes, which must load nothing of this project's.
 * Every failure names the variable and says what a valid value looks like.
 */
public final class Settings {

    private final Map<String, String> values;
    private final Set<String> namesRead = ConcurrentHashMap.newKeySet();

    private Settings(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    /** The settings of this process. */
    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** Settings from explicit values, for tests and tools. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values);
    }

    /** The value of a variable that must be set and non-blank. */
    public String required(String name, String meaning) {
        return optional(name)
                .orElseThrow(() -> new ConfigurationException(
                        "Missing required environment variable " + name + " (" + meaning + ")"));
    }

    /** The value of a variable, empty when unset or blank. */
    public Optional<String> optional(String name) {
        namesRead.add(name);
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public Optional<URI> optionalUri(String name) {
        return optional(name).map(value -> parseUri(name, value));
    }

    /** A duration given as a whole number of milliseconds, at least {@code min}. */
    public Duration millis(String name, Duration defaultValue, Duration min) {
        return optional(name)
                .map(value -> Duration.ofMillis(parseLong(name, value, min.toMillis(), "milliseconds")))
                .orElse(defaultValue);
    }

    /** A duration given as a whole number of seconds, at least {@code min}. */
    public Duration seconds(String name, Duration defaultValue, Duration min) {
        return optional(name)
                .map(value -> Duration.ofSeconds(parseLong(name, value, min.toSeconds(), "seconds")))
                .orElse(defaultValue);
    }

    public int integer(String name, int defaultValue, int min, int max) {
        return optional(name)
                .map(value -> {
                    long parsed = parseLong(name, value, min, "an integer");
                    if (parsed > max) {
                        throw new ConfigurationException(
                                "Environment variable " + name + " must be at most " + max + ", got " + value);
                    }
                    return (int) parsed;
                })
                .orElse(defaultValue);
    }

    public <E extends Enum<E>> E enumValue(String name, Class<E> type, E defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, value.get().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("Environment variable " + name + " must be one of "
                    + java.util.Arrays.toString(type.getEnumConstants()) + ", got " + value.get());
        }
    }

    /**
     * Every name looked up so far, set or not: what a component reads, for the tests that hold it to {@link
     * FunctionEnvironment}.
     */
    public Set<String> namesRead() {
        return Set.copyOf(namesRead);
    }

    /** Region, credentials source and endpoint overrides for the AWS clients of this process. */
    public AwsSettings aws() {
        String region = optional(FunctionEnvironment.AWS_REGION)
                .or(() -> optional(FunctionEnvironment.AWS_DEFAULT_REGION))
                .orElseThrow(() -> new ConfigurationException(
                        "Missing required environment variable AWS_REGION (the region of the queue, table and"
                                + " SES identity; Lambda sets it)"));
        return new AwsSettings(
                Region.of(region),
                this::optionalUri,
                millis(FunctionEnvironment.AWS_API_CALL_TIMEOUT_MS, Duration.ofSeconds(10), Duration.ofMillis(50)),
                millis(
                        FunctionEnvironment.AWS_API_CALL_ATTEMPT_TIMEOUT_MS,
                        Duration.ofSeconds(3),
                        Duration.ofMillis(50)));
    }

    private static URI parseUri(String name, String value) {
        try {
            URI uri = new URI(value);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new ConfigurationException(
                        "Environment variable " + name + " must be an absolute URL, got " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigurationException("Environment variable " + name + " is not a URL: " + value, e);
        }
    }

    private static long parseLong(String name, String value, long min, String unit) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigurationException(
                    "Environment variable " + name + " must be a whole number of " + unit + ", got " + value, e);
        }
        if (parsed < min) {
            throw new ConfigurationException(
                    "Environment variable " + name + " must be at least " + min + ", got " + value);
        }
        return parsed;
    }
}
