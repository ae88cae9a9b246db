package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PeakMemoryTest {

    @Test
    void peakKib_ofThisJvm_isAtLeastWhatItHoldsNow() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "not Linux: no /proc");
        byte[] held = new byte[64 * 1024 * 1024];
        java.util.Arrays.fill(held, (byte) 1);

        long peak = PeakMemory.ownPeakKib().orElseThrow();

        assertThat(peak).isGreaterThanOrEqualTo(held.length / 1024);
    }

    @Test
    void peakKib_whenNoSuchProcess_isEmpty() {
        assertThat(PeakMemory.peakKib(Long.MAX_VALUE)).isEmpty();
    }
}
