package dev.provisioning.local.bench;

import dev.provisioning.local.PipelineReport;
import dev.provisioning.local.lambda.FunctionMetrics;
import java.time.Duration;
import java.util.List;

/**
 * One measured run of {@code ./pipeline bench scale}: {@code users} sign-ups end to end on a pipeline of its own.
 *
 * @param users sign-ups measured
 * @param wall from the first confirmation until the queue drained
 * @param report the end state, read from the emulators
 * @param trigger what the trigger's instances did during the measured run
 * @param provisioner what the provisioner's instances did during the measured run
 * @param redeliveries deliveries of a message beyond its first, over the pipeline's life (warm-up included)
 * @param peaks peak resident memory of every process of the run
 */
public record ScaleRun(
        int users,
        Duration wall,
        PipelineReport report,
        FunctionMetrics trigger,
        FunctionMetrics provisioner,
        long redeliveries,
        List<Peak> peaks) {

    public ScaleRun {
        peaks = List.copyOf(peaks);
    }

    /**
     * A process's peak resident memory.
     *
     * @param process what it is, e.g. {@code provisioner#1}
     * @param kib its {@code VmHWM}, or -1 when unknown
     */
    public record Peak(String process, long kib) {}

    public double signUpsPerSecond() {
        return users / (wall.toNanos() / 1e9);
    }

    /** Billed GB-seconds of one function: its billed milliseconds at {@code memoryMb}. */
    static double gbSeconds(FunctionMetrics function, int memoryMb) {
        return function.billedMillis() / 1000.0 * memoryMb / 1024.0;
    }

    /** Billed GB-seconds of the trigger and the provisioner together, per sign-up. */
    public double gbSecondsPerSignUp(int triggerMemoryMb, int provisionerMemoryMb) {
        return (gbSeconds(trigger, triggerMemoryMb) + gbSeconds(provisioner, provisionerMemoryMb)) / users;
    }
}
