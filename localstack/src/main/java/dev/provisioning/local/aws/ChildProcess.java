package dev.provisioning.local.aws;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * A child process started by the harness: its output is drained line by line into a sink (a full
 * pipe would block it), its last lines are kept for error messages, and {@link #close()} ends it
 * and waits. A shutdown hook ends it too if the JVM exits first.
 */
public final class ChildProcess implements AutoCloseable {

    private static final int TAIL_LINES = 40;

    private final String name;
    private final Process process;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Thread shutdownHook;

    private ChildProcess(String name, Process process, Consumer<String> sink) {
        this.name = name;
        this.process = process;
        Thread.ofVirtual().name(name + "-output").start(() -> drain(sink));
        this.shutdownHook = new Thread(process::destroyForcibly, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Starts {@code command} with stderr merged into stdout. */
    public static ChildProcess start(String name, ProcessBuilder builder, Consumer<String> sink) {
        builder.redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            return new ChildProcess(name, builder.start(), sink);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + ": " + String.join(" ", builder.command()), e);
        }
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    /** The last lines the process printed, for error messages. */
    public List<String> tail() {
        synchronized (tail) {
            return List.copyOf(tail);
        }
    }

    private void drain(Consumer<String> sink) {
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (tail) {
                    if (tail.size() == TAIL_LINES) {
                        tail.removeFirst();
                    }
                    tail.addLast(line);
                }
                sink.accept("[" + name + "] " + line);
            }
        } catch (IOException e) {
            // The process ended and closed its pipe; nothing more to read.
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(Duration.ofSeconds(5).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs anyway.
            }
        }
    }
}
