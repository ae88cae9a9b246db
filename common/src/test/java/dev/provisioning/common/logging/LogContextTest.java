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
    void record_whenScopeCloses_removesRecordFieldsAndKeepsTheRequestId() {
        LogContext.invocation("req-1");

        try (LogContext.Scope scope = LogContext.record("msg-1")) {
            LogContext.user("pool", "sub-1");
            assertThat(MDC.get(LogContext.MESSAGE_ID)).isEqualTo("msg-1");
            assertThat(MDC.get(LogContext.SUB)).isEqualTo("sub-1");
        }

        assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("req-1");
        assertThat(MDC.get(LogContext.MESSAGE_ID)).isNull();
        assertThat(MDC.get(LogContext.POOL_ID)).isNull();
        assertThat(MDC.get(LogContext.SUB)).isNull();
    }

    @Test
    void invocation_whenCalledAgain_forgetsThePreviousInvocation() {
        LogContext.invocation("req-1");
        LogContext.user("pool", "sub-1");

        LogContext.invocation("req-2");

        assertThat(MDC.get(LogContext.REQUEST_ID)).isEqualTo("req-2");
        assertThat(MDC.get(LogContext.SUB)).isNull();
    }
}
