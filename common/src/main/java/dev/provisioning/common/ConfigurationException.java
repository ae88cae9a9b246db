package dev.provisioning.common;

/** A setting is missing or invalid; thrown at start-up so a misconfigured function fails fast. */
public final class ConfigurationException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigurationException(String message) {
        super(message);
    }

    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
