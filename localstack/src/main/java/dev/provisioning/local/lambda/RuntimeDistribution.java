package dev.provisioning.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.api.client.AWSLambda;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.utilslite.SdkInternalThreadLocal;

/** Finds the runtime interface client's jars on this JVM's classpath, so versions come from the build, not from paths. */
final class RuntimeDistribution {

    private RuntimeDistribution() {}

    /** The RIC, its serialization library, aws-lambda-java-core and utils-lite (the RIC's runtime dependencies). */
    static List<Path> classpath() {
        return List.of(AWSLambda.class, PojoSerializer.class, Context.class, SdkInternalThreadLocal.class).stream()
                .map(RuntimeDistribution::codeSource)
                .distinct()
                .toList();
    }

    private static Path codeSource(Class<?> type) {
        var source = type.getProtectionDomain().getCodeSource();
        if (source == null) {
            throw new IllegalStateException("Cannot locate the jar of " + type.getName() + " for the Lambda runtime");
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Odd code source of " + type.getName() + ": " + source.getLocation(), e);
        }
    }

    /** Extracts the RIC's native client for this platform into {@code directory}. */
    static Path extractJniLibrary(Path directory) throws IOException {
        String name = "libaws-lambda-jni." + platform() + ".so";
        try (InputStream in = AWSLambda.class.getResourceAsStream("/jni/" + name)) {
            if (in == null) {
                throw new IOException("The runtime interface client jar has no native library " + name);
            }
            Path target = directory.resolve(name);
            Files.copy(in, target);
            return target;
        }
    }

    private static String platform() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String cpu =
                switch (arch) {
                    case "amd64", "x86_64" -> "x86_64";
                    case "aarch64", "arm64" -> "aarch_64";
                    default -> throw new IllegalStateException("The Lambda runtime client has no library for " + arch);
                };
        boolean musl = Files.exists(Path.of("/lib/ld-musl-" + (cpu.equals("x86_64") ? "x86_64" : "aarch64") + ".so.1"));
        return (musl ? "linux_musl-" : "linux-") + cpu;
    }
}
