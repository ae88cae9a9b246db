package dev.provisioning.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class LogContextTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void invocation_whenCalledAgain_forgetsThePreviousInvocation() {
        LogContext.invocation("req-1");
        LogContext.user("pool", "sub-1");

        LogContext.invocation("req-2");

        assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("req-2");
        assertThat(MDC.get(LogContext.SUB)).isNull();
    }

    @Test
    void worker_onAnotherThread_carriesTheRequestIdAndLeavesNothingBehind() throws Exception {
        LogContext.invocation("req-1");
        String requestId = LogContext.requestId();
        java.util.List<String> seen = new java.util.ArrayList<>();

        Thread worker = Thread.ofVirtual().start(() -> {
            try (LogContext.Scope scope = LogContext.worker(requestId, "msg-1")) {
                LogContext.user("pool", "sub-1");
                seen.add(MDC.get(LogContext.REQUEST_ID));
                seen.add(MDC.get(LogContext.MESSAGE_ID));
            }
            seen.add(String.valueOf(MDC.getCopyOfContextMap()));
        });
        worker.join();

        assertThat(seen).containsExactly("req-1", "msg-1", "{}");
        // The handler's thread keeps its own context, untouched by the worker.
        assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("req-1");
        assertThat(MDC.get(LogContext.MESSAGE_ID)).isNull();
    }
}
