package dev.provisioning.common.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.provisioning.common.EmailAddresses;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Map;
import org.slf4j.event.Level;
import org.slf4j.spi.MDCAdapter;

/** Formats one log event as one JSON line and prints it; shared by all loggers of a process. */
final class JsonLineWriter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final int MAX_STACK_FRAMES = 12;

    private final PrintStream out;
    private final MDCAdapter mdc;

    JsonLineWriter(PrintStream out, MDCAdapter mdc) {
        this.out = out;
        this.mdc = mdc;
    }

    void write(Level level, String logger, String message, Throwable throwable) {
        String line = format(Instant.now(), level, logger, message, throwable, mdc.getCopyOfContextMap());
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    static String format(
            Instant time,
            Level level,
            String logger,
            String message,
            Throwable throwable,
            Map<String, String> context) {
        Map<String, String> fields = context == null ? Map.of() : context;
        StringWriter text = new StringWriter(256);
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            json.writeStringField("timestamp", time.toString());
            json.writeStringField("level", level.name());
            json.writeStringField("logger", logger);
            json.writeStringField("message", EmailAddresses.redact(message));
            for (String field : LogContext.CORRELATION_FIELDS) {
                json.writeStringField(field, fields.get(field));
            }
            for (Map.Entry<String, String> entry : fields.entrySet()) {
                if (!isCorrelationField(entry.getKey())) {
                    json.writeStringField(entry.getKey(), EmailAddresses.redact(entry.getValue()));
                }
            }
            if (throwable != null) {
                json.writeStringField(
                        "error",
                        throwable.getClass().getName() + ": "
                                + EmailAddresses.redact(String.valueOf(throwable.getMessage())));
                json.writeArrayFieldStart("stack");
                StackTraceElement[] frames = throwable.getStackTrace();
                for (int i = 0; i < Math.min(frames.length, MAX_STACK_FRAMES); i++) {
                    json.writeString(frames[i].toString());
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        } catch (IOException e) {
            return "{\"level\":\"ERROR\",\"message\":\"log line could not be formatted\"}";
        }
        return text.toString();
    }

    private static boolean isCorrelationField(String key) {
        for (String field : LogContext.CORRELATION_FIELDS) {
            if (field.equals(key)) {
                return true;
            }
        }
        return false;
    }
}
