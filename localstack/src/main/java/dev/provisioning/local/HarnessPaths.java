package dev.provisioning.local;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the harness finds what the build produced: the two deployable jars (the same files the
 * infra stack deploys) and the {@code localstack} folder holding cognito-local's npm install.
 * System properties {@code trigger.jar}, {@code provisioner.jar} and {@code localstack.dir} override
 * the defaults, which are found from the repository root.
 *
 * @param triggerJar the ingest-trigger's shaded jar
 * @param provisionerJar the provisioner's shaded jar
 * @param localstackDir the folder with {@code package.json} for cognito-local
 */
public record HarnessPaths(Path triggerJar, Path provisionerJar, Path localstackDir) {

    public static HarnessPaths discover() {
        Path root = repositoryRoot();
        Path trigger = property("trigger.jar", root.resolve("ingest-trigger/target/ingest-trigger-lambda.jar"));
        Path provisioner = property("provisioner.jar", root.resolve("provisioner/target/provisioner-lambda.jar"));
        Path localstack = property("localstack.dir", root.resolve("localstack"));
        for (Path jar : new Path[] {trigger, provisioner}) {
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(
                        "Missing " + jar + ": build it first (./pipeline builds what is missing)");
            }
        }
        return new HarnessPaths(trigger, provisioner, localstack);
    }

    private static Path property(String name, Path defaultValue) {
        String value = System.getProperty(name);
        return (value == null || value.isBlank() ? defaultValue : Path.of(value))
                .toAbsolutePath()
                .normalize();
    }

    /** The nearest folder upwards from the working directory that holds {@code mvnw}. */
    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("mvnw")) && Files.isDirectory(candidate.resolve("localstack"))) {
                return candidate;
            }
        }
        return dir;
    }
}
