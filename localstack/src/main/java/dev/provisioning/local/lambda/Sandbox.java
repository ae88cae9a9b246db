package dev.provisioning.local.lambda;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * One function instance: a child JVM running AWS's runtime interface client against its own Runtime API server. Runs
 * one invocation at a time, like a Lambda sandbox. Owned by its {@link FunctionPool}, which closes it.
 */
final class Sandbox implements AutoCloseable {

    private static final String RIC_MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    private static final String RIC_JNI_PROPERTY =
            "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";

    final String label;
    private final HostConfig host;
    private final RuntimeApiServer api;
    private final Process process;
    private volatile Invocation current;
    private volatile boolean killed;
    private final AtomicInteger invocations = new AtomicInteger();

    private Sandbox(String label, HostConfig host, RuntimeApiServer api, Process process) {
        this.label = label;
        this.host = host;
        this.api = api;
        this.process = process;
    }

    static Sandbox launch(FunctionSpec spec, int number, HostConfig host) throws IOException {
        String label = spec.name() + "#" + number;
        RuntimeApiServer api = new RuntimeApiServer(label, host.logSink());
        try {
            ProcessBuilder builder = new ProcessBuilder(command(spec, host))
                    .directory(host.taskRoot().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            // A clean environment, as in Lambda: nothing of the harness (real credentials, profiles) leaks in.
            Map<String, String> env = builder.environment();
            env.clear();
            env.putAll(environment(spec, host, api.hostAndPort()));
            Process process = builder.start();
            Sandbox sandbox = new Sandbox(label, host, api, process);
            sandbox.pump(process.getInputStream(), "stdout");
            sandbox.pump(process.getErrorStream(), "stderr");
            process.onExit().thenRun(sandbox::onExit);
            return sandbox;
        } catch (IOException | RuntimeException e) {
            api.close();
            throw e;
        }
    }

    private static List<String> command(FunctionSpec spec, HostConfig host) {
        List<String> command = new ArrayList<>();
        command.add(host.javaCommand());
        command.add("-Xmx" + spec.memoryMb() + "m");
        // The flags Lambda's java21 runtime starts with: fast startup beats peak throughput for short invocations.
        command.addAll(
                List.of("-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto"));
        command.add("-XX:-UsePerfData");
        // The RIC loads a JNI library and uses sun.misc.Unsafe; without these, newer JDKs print warnings on stderr.
        command.add("--enable-native-access=ALL-UNNAMED");
        // The host starts children with its own java, so its version decides which flags exist.
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        // The RIC would otherwise copy its library to the one fixed path /tmp/.libaws-lambda-jni.so on every start,
        // which races when several instances boot at once.
        command.add("-D" + RIC_JNI_PROPERTY + "=" + host.jniLibrary());
        command.addAll(spec.jvmOptions());
        command.add("-cp");
        command.add(Stream.concat(spec.classpath().stream(), host.runtimeClasspath().stream())
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator)));
        command.add(RIC_MAIN);
        command.add(spec.handler());
        return command;
    }

    private static Map<String, String> environment(FunctionSpec spec, HostConfig host, String runtimeApi) {
        String streamName = DateTimeFormatter.ofPattern("yyyy/MM/dd").format(LocalDate.now(ZoneOffset.UTC))
                + "/[$LATEST]" + HexFormat.of().formatHex(randomBytes(16));
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        env.put("LANG", "en_US.UTF-8");
        env.put("TZ", ":UTC");
        env.put("LAMBDA_TASK_ROOT", host.taskRoot().toString());
        env.put("_HANDLER", spec.handler());
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("AWS_LAMBDA_FUNCTION_NAME", spec.name());
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memoryMb()));
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.name());
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", streamName);
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand");
        env.put("AWS_REGION", host.region());
        env.put("AWS_DEFAULT_REGION", host.region());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.putAll(spec.environment());
        return env;
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private void pump(InputStream stream, String name) {
        String prefix = "[" + label + "] ";
        Thread.ofPlatform().daemon().name(label + "-" + name).start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    host.logSink().accept(prefix + line);
                }
            } catch (IOException | UncheckedIOException e) {
                // The pipe closes when the child dies; nothing left to forward.
            }
        });
    }

    /** Fails the in-flight invocation at once instead of letting it run into its timeout. */
    private void onExit() {
        Invocation invocation = current;
        if (invocation != null) {
            Invocation.Outcome initError = api.initError();
            invocation.outcome.complete(initError != null ? initError : invocation.exited(process.exitValue()));
        }
    }

    boolean isColdStart() {
        return invocations.get() == 0;
    }

    boolean isAlive() {
        return !killed && process.isAlive();
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    /** Runs one invocation; not thread-safe, the pool hands an instance to one caller at a time. */
    Invocation.Outcome invoke(Invocation invocation) throws InterruptedException {
        invocations.incrementAndGet();
        current = invocation;
        if (!process.isAlive()) {
            onExit();
        }
        api.submit(invocation);
        // The function timeout runs inside the invocation (see Invocation.dispatched); this bound covers a JVM that
        // never gets as far as asking for work.
        long boundMillis = host.initTimeout().plus(invocation.timeout).toMillis();
        Invocation.Outcome outcome;
        try {
            outcome = invocation.outcome.get(boundMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            host.logSink()
                    .accept("[" + label + "] no response for " + invocation.requestId + " within init "
                            + host.initTimeout().toMillis() + " ms + timeout; killing the instance");
            outcome = invocation.timedOut();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Outcome of " + invocation.requestId + " on " + label + " failed", e);
        } catch (InterruptedException e) {
            kill();
            throw e;
        } finally {
            current = null;
        }
        if (outcome.kind() == Invocation.Kind.TIMEOUT) {
            kill();
            awaitExit(Duration.ofSeconds(5));
        }
        return outcome;
    }

    /** Chaos and timeouts: SIGKILL, like Lambda tearing down a sandbox. */
    void kill() {
        killed = true;
        process.destroyForcibly();
    }

    /** Asks the JVM to exit (SIGTERM); {@link #close()} waits and escalates. */
    void stop() {
        process.destroy();
    }

    private void awaitExit(Duration timeout) throws InterruptedException {
        process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        stop();
        boolean interrupted = false;
        try {
            if (!process.waitFor(3, TimeUnit.SECONDS)) {
                kill();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            kill();
        } finally {
            api.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
