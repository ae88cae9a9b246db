package dev.provisioning.local.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link LocalLambdaHost} needs to run one function, the local equivalent of a Lambda function configuration.
 * Immutable; the host owns the processes started from it.
 *
 * @param name function name, as used in ARNs and by the Invoke API
 * @param classpath the deployment package: a shaded jar, or classes directories and jars
 * @param handler {@code pkg.Class::method} or {@code pkg.Class} (for {@code RequestHandler}/{@code RequestStreamHandler})
 * @param environment function environment variables, including any credentials the function should use
 * @param timeout invocation timeout, as the function's Timeout setting
 * @param memoryMb memory size; becomes {@code -Xmx} and {@code AWS_LAMBDA_FUNCTION_MEMORY_SIZE}
 * @param maxConcurrency maximum number of instances (sandboxes) running at once
 * @param jvmOptions extra JVM options, appended after the host's defaults
 */
public record FunctionSpec(
        String name,
        List<Path> classpath,
        String handler,
        Map<String, String> environment,
        Duration timeout,
        int memoryMb,
        int maxConcurrency,
        List<String> jvmOptions) {

    public FunctionSpec {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z0-9_-]{1,64}")) {
            throw new IllegalArgumentException("Invalid function name '" + name + "': use 1-64 of [A-Za-z0-9_-]");
        }
        Objects.requireNonNull(handler, "handler of " + name);
        classpath = List.copyOf(classpath);
        if (classpath.isEmpty()) {
            throw new IllegalArgumentException("Function " + name + " has an empty classpath");
        }
        environment = Map.copyOf(environment);
        Objects.requireNonNull(timeout, "timeout of " + name);
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("Function " + name + " needs a positive timeout, got " + timeout);
        }
        if (memoryMb < 64) {
            throw new IllegalArgumentException("Function " + name + " needs at least 64 MB, got " + memoryMb);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException(
                    "Function " + name + " needs maxConcurrency >= 1, got " + maxConcurrency);
        }
        jvmOptions = List.copyOf(jvmOptions);
    }

    /** Starts a spec with Lambda's defaults where they make sense locally: 3 s timeout, 512 MB, 2 instances. */
    public static Builder builder(String name, String handler) {
        return new Builder(name, handler);
    }

    /** Mutable builder for {@link FunctionSpec}; not thread-safe. */
    public static final class Builder {
        private final String name;
        private final String handler;
        private final List<Path> classpath = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> jvmOptions = new ArrayList<>();
        private Duration timeout = Duration.ofSeconds(3);
        private int memoryMb = 512;
        private int maxConcurrency = 2;

        private Builder(String name, String handler) {
            this.name = name;
            this.handler = handler;
        }

        /** Adds a jar or classes directory to the function's classpath (in order, first wins). */
        public Builder classpath(Path entry) {
            classpath.add(entry);
            return this;
        }

        public Builder env(String key, String value) {
            environment.put(key, value);
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder memoryMb(int memoryMb) {
            this.memoryMb = memoryMb;
            return this;
        }

        public Builder maxConcurrency(int maxConcurrency) {
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public Builder jvmOption(String option) {
            jvmOptions.add(option);
            return this;
        }

        public FunctionSpec build() {
            return new FunctionSpec(
                    name, classpath, handler, environment, timeout, memoryMb, maxConcurrency, jvmOptions);
        }
    }
}
