package dev.provisioning.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the measured JVMs: one probe per process with the Lambda runtime's flags, pinned to one core when
 * {@code taskset} works, and reads its output line by line; every process is waited for or destroyed.
 */
final class ChildJvms {

    /** How long one measured JVM may run. */
    static final long TIMEOUT_SECONDS = 120;

    private final String java;
    private final List<String> lambdaFlags;
    private final boolean pin;
    private final Path workDir;
    private final Map<String, String> environment;

    ChildJvms(String java, List<String> lambdaFlags, boolean pin, Path workDir, Map<String, String> environment) {
        this.java = java;
        this.lambdaFlags = List.copyOf(lambdaFlags);
        this.pin = pin;
        this.workDir = workDir;
        this.environment = Map.copyOf(environment);
    }

    private List<String> command(List<String> extraFlags, String classpath, String main, String... args) {
        List<String> command = new ArrayList<>();
        if (pin) {
            command.addAll(List.of("taskset", "-c", "0"));
        }
        command.add(java);
        command.addAll(lambdaFlags);
        command.addAll(extraFlags);
        command.addAll(List.of("-cp", classpath, main));
        command.addAll(List.of(args));
        return command;
    }

    /** Nanoseconds from starting the JVM to its probe's done line; the JVM must then exit 0. */
    long timeToDone(List<String> extraFlags, String classpath, String main) throws Exception {
        long[] elapsed = {-1};
        run(command(extraFlags, classpath, main), (line, start) -> {
            if (line.equals(Probes.DONE) && elapsed[0] < 0) {
                elapsed[0] = System.nanoTime() - start;
            }
        });
        if (elapsed[0] < 0) {
            throw new IllegalStateException(main + " exited without handling its event");
        }
        return elapsed[0];
    }

    String runForLine(List<String> extraFlags, String classpath, String main, String prefix, String... args)
            throws Exception {
        String[] found = {null};
        run(command(extraFlags, classpath, main, args), (line, start) -> {
            if (line.startsWith(prefix)) {
                found[0] = line;
            }
        });
        if (found[0] == null) {
            throw new IllegalStateException(main + " printed no line starting with " + prefix);
        }
        return found[0];
    }

    private interface LineListener {
        void line(String line, long startNanos);
    }

    private void run(List<String> command, LineListener listener) throws Exception {
        Path stderr = Files.createTempFile(workDir, "child", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        long start = System.nanoTime();
        Process process = builder.start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                listener.line(line, start);
            }
            if (!process.waitFor(ChildJvms.TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Child JVM did not exit: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Child JVM exited with " + process.exitValue() + ": " + command + "\n"
                        + Files.readString(stderr));
            }
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(stderr);
        }
    }

    static boolean tasksetWorks() {
        try {
            Process process = new ProcessBuilder("taskset", "-c", "0", "true")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
