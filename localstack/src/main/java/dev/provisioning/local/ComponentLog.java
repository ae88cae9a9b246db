package dev.provisioning.local;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/** Component logs go to a file (and the console with --verbose), keeping progress readable. */
public final class ComponentLog implements Consumer<String>, AutoCloseable {
    private final Writer file;
    private final PrintStream echo;
    private final Object lock = new Object();

    private ComponentLog(Writer file, PrintStream echo) {
        this.file = file;
        this.echo = echo;
    }

    public static ComponentLog open(Path path, PrintStream echo) {
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new ComponentLog(
                    Files.newBufferedWriter(
                            path,
                            StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.TRUNCATE_EXISTING),
                    echo);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not open the log file " + path, e);
        }
    }

    @Override
    public void accept(String line) {
        synchronized (lock) {
            try {
                file.write(line);
                file.write('\n');
            } catch (IOException e) {
                // A full disk must not stop the pipeline; the console still has progress.
            }
            if (echo != null) {
                echo.println(line);
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            try {
                file.close();
            } catch (IOException e) {
                // Nothing useful to do at shutdown.
            }
        }
    }
}
