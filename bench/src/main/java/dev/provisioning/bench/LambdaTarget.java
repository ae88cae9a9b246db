package dev.provisioning.bench;

import java.util.Set;

/** What the benchmarks measure against: the deployed function's memory and Lambda's Java runtimes. */
final class LambdaTarget {

    /**
     * The trigger function's memory in infra ({@code IngestTrigger}: {@code memorySize(1024)}). Keep the two in
     * step; {@code --memory-mb} overrides it for a run.
     */
    static final int FUNCTION_MEMORY_MB = 1024;

    /** The Java major version of Lambda's java21 runtime, the oldest the measured JVMs may run. */
    static final int JAVA_MAJOR = 21;

    /** The Java releases of Lambda's runtimes infra can deploy ({@code javaRuntime=java21|java25}). */
    static final Set<Integer> JAVA_MAJORS = Set.of(21, 25);

    private LambdaTarget() {}
}
