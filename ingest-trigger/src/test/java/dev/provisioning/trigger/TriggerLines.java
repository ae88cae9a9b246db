package dev.provisioning.trigger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/** Reads the trigger's JSON log lines and EMF lines in tests. */
final class TriggerLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TriggerLines() {}

    static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Not one JSON line: " + line, e);
        }
    }

    /** A field of a JSON log line as text, or {@code null} when absent or JSON null. */
    static String field(String line, String name) {
        JsonNode value = parse(line).get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
