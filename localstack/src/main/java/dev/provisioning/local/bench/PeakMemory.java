package dev.provisioning.local.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process's peak resident memory on Linux: {@code VmHWM} of {@code /proc/<pid>/status}, the high-water mark of its
 * resident set since it started, or since it last reset the mark (only a process's own mark can be reset). Elsewhere
 * there is no figure.
 */
final class PeakMemory {

    private PeakMemory() {}

    /** The peak resident set of a live process, in KiB; empty when it is gone or this is not Linux. */
    static OptionalLong peakKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
                }
            }
            return OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /** This JVM's peak resident set, in KiB. */
    static OptionalLong ownPeakKib() {
        return peakKib(ProcessHandle.current().pid());
    }

    /**
     * Resets this process's peak to its current resident set ({@code 5} to {@code /proc/self/clear_refs}, Linux 4.0
     * and later), so that the next reading is the peak of what follows.
     *
     * @return whether the mark was reset
     */
    static boolean resetOwnPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
