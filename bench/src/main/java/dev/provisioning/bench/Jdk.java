package dev.provisioning.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The JDK of the measured JVMs, as they report it. */
public record Jdk(String runtimeVersion, int major, String vendor) {

    /** Asks {@code java} what it is; refuses one older than the trigger's release (21). */
    static Jdk of(String java) throws Exception {
        Map<String, String> properties = new HashMap<>();
        Process process = new ProcessBuilder(java, "-XshowSettings:properties", "-version")
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                int equals = line.indexOf(" = ");
                if (equals > 0) {
                    properties.putIfAbsent(
                            line.substring(0, equals).trim(),
                            line.substring(equals + 3).trim());
                }
            }
        }
        if (!process.waitFor(ChildJvms.TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("Could not run " + java + " -version");
        }
        String specification = properties.getOrDefault("java.specification.version", "0");
        int major = Integer.parseInt(specification.startsWith("1.") ? specification.substring(2) : specification);
        if (major < LambdaTarget.JAVA_MAJOR) {
            throw new IllegalStateException(java + " is Java " + major + "; the trigger needs Java "
                    + LambdaTarget.JAVA_MAJOR + " or newer (set BENCH_JAVA_HOME to a JDK 21)");
        }
        return new Jdk(
                properties.getOrDefault("java.runtime.version", specification),
                major,
                properties.getOrDefault("java.vendor", "unknown vendor"));
    }

    boolean matchesLambda() {
        return LambdaTarget.JAVA_MAJORS.contains(major);
    }

    String describe() {
        return "JDK " + runtimeVersion + " (" + vendor + ")";
    }

    String warning() {
        return "measured on Java " + major + ", not 21 or 25 like Lambda's java21 and java25 runtimes:"
                + " start-up costs differ between JDK releases (class loading, CDS, JIT), so compare ratios from"
                + " the same JDK only; set BENCH_JAVA_HOME to a JDK 21 or 25 to match a deployable runtime";
    }
}
