package dev.provisioning.bench;

import java.util.Locale;

/** Medians in nanoseconds, sizes in bytes. */
public record TriggerBenchResult(
        long triggerCold,
        long floorCold,
        long triggerColdCds,
        long floorColdCds,
        long handlerWarm,
        long rawWarm,
        long triggerJarBytes,
        long floorJarBytes,
        int triggerClasses,
        int floorClasses,
        int coldRuns,
        int warmIterations,
        Jdk jdk) {

    double coldRatio() {
        return (double) triggerCold / floorCold;
    }

    double coldCdsRatio() {
        return (double) triggerColdCds / floorCold;
    }

    /** The trigger against the floor, both with their archives: the trigger's own start-up work. */
    double coldCdsToCdsRatio() {
        return (double) triggerColdCds / floorColdCds;
    }

    /** What CDS alone does for the floor: the best the trigger could reach by loading faster. */
    double floorCdsRatio() {
        return (double) floorColdCds / floorCold;
    }

    double warmRatio() {
        return (double) handlerWarm / rawWarm;
    }

    /** Handler minus raw sendMessage, medians, in microseconds: what the trigger adds per call. */
    double warmDifferenceMicros() {
        return (handlerWarm - rawWarm) / 1000.0;
    }

    public String line() {
        return String.format(
                Locale.ROOT,
                "result trigger_cold_ratio=%.2f trigger_cold_cds_ratio=%.2f trigger_warm_ratio=%.2f jar_mb=%.2f classes=%d",
                coldRatio(),
                coldCdsRatio(),
                warmRatio(),
                triggerJarBytes / 1048576.0,
                triggerClasses);
    }
}
