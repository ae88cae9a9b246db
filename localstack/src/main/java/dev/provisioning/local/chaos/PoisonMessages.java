package dev.provisioning.local.chaos;

import java.util.List;

/**
 * Malformed queue messages of the kinds a real queue receives (a bug in a producer, a manual
 * send, a future schema), each with the dead-letter reason the provisioner must give it.
 */
public final class PoisonMessages {

    /** One malformed body and the {@code failure.reason} it must be dead-lettered with. */
    public record Poison(String name, String body, String expectedReason) {}

    private static final String VALID_TAIL = "\"messageId\":\"m\",\"idempotencyKey\":\"p#s\",\"userPoolId\":\"p\","
            + "\"sub\":\"s\",\"confirmedAt\":\"2026-11-24T00:00:00Z\"";

    public static final List<Poison> ALL = List.of(
            new Poison("not JSON", "hello, queue", "NOT_JSON"),
            new Poison("truncated JSON", "{\"schemaVersion\":1,\"sub\":\"abc", "NOT_JSON"),
            new Poison("JSON array", "[1,2,3]", "NOT_JSON"),
            new Poison("schema version 2", "{\"schemaVersion\":2," + VALID_TAIL + "}", "UNSUPPORTED_SCHEMA_VERSION"),
            new Poison("schema version as string", "{\"schemaVersion\":\"1\"," + VALID_TAIL + "}", "MISSING_FIELD"),
            new Poison(
                    "missing sub",
                    "{\"schemaVersion\":1,\"messageId\":\"m\",\"idempotencyKey\":\"p#s\",\"userPoolId\":\"p\","
                            + "\"confirmedAt\":\"2026-11-24T00:00:00Z\"}",
                    "MISSING_FIELD"),
            new Poison(
                    "email with CR/LF header injection",
                    "{\"schemaVersion\":1," + VALID_TAIL + ",\"email\":\"a@example.com\\r\\nBcc: b@example.com\"}",
                    "INVALID_FIELD"),
            new Poison(
                    "sub is a number",
                    "{\"schemaVersion\":1," + VALID_TAIL.replace("\"sub\":\"s\"", "\"sub\":42") + "}",
                    "INVALID_FIELD"));

    private PoisonMessages() {}

    /** The {@code i}-th poison message, cycling through {@link #ALL}. */
    public static Poison get(int i) {
        return ALL.get(i % ALL.size());
    }
}
