package dev.provisioning.local.e2e;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Disables a test class when Testcontainers finds no Docker engine, with one line that says so and
 * how to run it where Docker exists: never a silent skip, never a stack trace. The probe runs once
 * per test JVM and, without an engine, takes about a second.
 */
final class DockerEngineCondition implements ExecutionCondition {

    static final String SKIP_LINE = "LocalStack suite skipped: no Docker engine (Testcontainers found none);"
            + " run it where Docker exists with ./mvnw verify -pl localstack -am -Dit.test=LocalStackScenariosIT";

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(DockerEngineCondition.class);

    /**
     * Testcontainers logs every failed Docker strategy at WARN (with a stack trace) and a summary at
     * ERROR; when no engine exists that is noise around the one line this condition prints. A level
     * set by the user (e.g. {@code -Dorg.slf4j.simpleLogger.log.org.testcontainers=debug}) wins.
     */
    private static final String PROBE_LOGGER = "org.slf4j.simpleLogger.log.org.testcontainers.dockerclient";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        boolean available =
                context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent("docker", key -> probe(), Boolean.class);
        if (available) {
            return ConditionEvaluationResult.enabled("Testcontainers found a Docker engine");
        }
        return ConditionEvaluationResult.disabled(SKIP_LINE);
    }

    private static boolean probe() {
        if (System.getProperty(PROBE_LOGGER) == null) {
            System.setProperty(PROBE_LOGGER, "off");
        }
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError | ServiceConfigurationError e) {
            // A broken Testcontainers set-up is not an engine either; the line below still says what to do.
            available = false;
        }
        if (!available) {
            printToBuildOutput(SKIP_LINE);
        }
        return available;
    }

    /**
     * Surefire and failsafe send a test's {@code System.err} to a report file
     * ({@code redirectTestOutputToFile}) and list skipped tests without their reason, so the line
     * goes to the process's own standard error, which they pass through to the build output.
     */
    @SuppressWarnings("resource") // The process's standard error stays open.
    private static void printToBuildOutput(String line) {
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        err.println(line);
    }
}
