package dev.provisioning.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ThreadBoundMdcAdapterTest {

    @Test
    void get_whenThreadStartedAfterPut_seesNothingOfTheParent() throws InterruptedException {
        ThreadBoundMdcAdapter mdc = new ThreadBoundMdcAdapter();
        mdc.put(LogContext.REQUEST_ID, "req-1");
        AtomicReference<String> seen = new AtomicReference<>("unset");

        Thread worker = new Thread(() -> seen.set(mdc.get(LogContext.REQUEST_ID)));
        worker.start();
        worker.join();

        assertThat(seen.get()).isNull();
        assertThat(mdc.get(LogContext.REQUEST_ID)).isEqualTo("req-1");
    }

    @Test
    void getCopyOfContextMap_whenChangedLater_isASnapshot() {
        ThreadBoundMdcAdapter mdc = new ThreadBoundMdcAdapter();
        mdc.put("a", "1");

        var copy = mdc.getCopyOfContextMap();
        mdc.put("a", "2");

        assertThat(copy).containsEntry("a", "1");
    }
}
