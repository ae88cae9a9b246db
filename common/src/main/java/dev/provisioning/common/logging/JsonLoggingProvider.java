package dev.provisioning.common.logging;

import dev.provisioning.common.FunctionEnvironment;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * An SLF4J 2 backend that writes one JSON object per log event to stdout, the functions' logging:
 * Lambda ships stdout lines to CloudWatch Logs, where Logs Insights queries the fields. Chosen over
 * logback for the trigger's cold start: no configuration file, no appender machinery, a few classes.
 *
 * <p>Every line has {@code timestamp}, {@code level}, {@code logger}, {@code message}, the correlation
 * fields of {@link LogContext} (null when unknown) and, for a throwable, {@code error} and {@code stack}.
 * Anything shaped like an email address in the message or the error is replaced by {@code
 * <redacted-email>} as a last line of defence; callers still must not log addresses.
 *
 * <p>Not registered in this module's jar, so that tools depending on {@code common} keep their own
 * backend. A function adopts it with the resource file {@code
 * META-INF/services/org.slf4j.spi.SLF4JServiceProvider} containing this class's name (and no other
 * SLF4J backend on its classpath). The level comes from {@code LOG_LEVEL} (default {@code INFO});
 * loggers of libraries ({@code software.amazon}, {@code io.netty}, {@code io.micrometer}) log at WARN
 * and above whatever the level, so a debug session shows this project's lines only.
 */
public final class JsonLoggingProvider implements SLF4JServiceProvider {

    private final BasicMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new ThreadBoundMdcAdapter();
    private volatile ILoggerFactory loggers;

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        Level level = level(Settings.fromEnvironment());
        loggers = new Factory(new JsonLineWriter(System.out, mdc), level);
    }

    /** The level of every logger: {@code LOG_LEVEL}, {@code INFO} when unset or not a level. */
    public static Level level(Settings settings) {
        return level(settings.optional(FunctionEnvironment.LOG_LEVEL).orElse("INFO"));
    }

    static Level level(String name) {
        try {
            return Level.valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return Level.INFO;
        }
    }

    /** Hands out one logger per name. */
    static final class Factory implements ILoggerFactory {
        private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
        private final JsonLineWriter writer;
        private final Level level;

        Factory(JsonLineWriter writer, Level level) {
            this.writer = writer;
            this.level = level;
        }

        /** A factory writing to {@code out}, for tests. */
        static Factory writingTo(PrintStream out, Level level, MDCAdapter mdc) {
            return new Factory(new JsonLineWriter(out, mdc), level);
        }

        @Override
        public Logger getLogger(String name) {
            return loggers.computeIfAbsent(name, n -> new JsonLogger(n, threshold(n), writer));
        }

        private Level threshold(String name) {
            boolean library = name.startsWith("software.amazon")
                    || name.startsWith("io.netty")
                    || name.startsWith("io.micrometer");
            return library && level.toInt() < Level.WARN.toInt() ? Level.WARN : level;
        }
    }
}
