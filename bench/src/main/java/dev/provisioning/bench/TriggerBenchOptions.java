package dev.provisioning.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * How much to measure and where things are.
 *
 * @param coldRuns JVM starts per configuration (four configurations)
 * @param warmup warm-up invocations of each of handler and raw send
 * @param warmIterations measured invocations of each
 * @param markdown where to write the table, or {@code null}
 * @param javaHome the JDK the measured JVMs run on ({@code BENCH_JAVA_HOME} in {@code bench/run})
 * @param memoryMb the function memory whose heap the measured JVMs get
 */
public record TriggerBenchOptions(
        int coldRuns,
        int warmup,
        int warmIterations,
        Path triggerJar,
        Path benchClasses,
        List<Path> floorClasspath,
        Path workDir,
        Path markdown,
        Path javaHome,
        int memoryMb) {

    /** Lambda's java21 runtime flags that matter for start-up, with the heap sized from the memory. */
    List<String> lambdaFlags() {
        return List.of(
                "-XX:+TieredCompilation",
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-Xshare:auto",
                // Lambda's Java runtime gives the heap about 85% of the function's memory.
                "-Xmx" + (memoryMb * 85 / 100) + "m");
    }
}
