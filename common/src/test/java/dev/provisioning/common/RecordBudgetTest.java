package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordBudgetTest {

    @Test
    void worstCase_whenTheLeaseDominates_isTwoWritesHalfTheLeaseAndALastWrite() {
        // 3 + 3 + max(6, 10 + 3)
        assertThat(RecordBudget.worstCase(Duration.ofSeconds(3), Duration.ofSeconds(20), false))
                .isEqualTo(Duration.ofSeconds(19));
    }

    @Test
    void worstCase_whenTheSendDominates_isTwoWritesTheSendAndItsRecord() {
        // 10 + 10 + max(20, 2.5 + 10)
        assertThat(RecordBudget.worstCase(Duration.ofSeconds(10), Duration.ofSeconds(5), false))
                .isEqualTo(Duration.ofSeconds(40));
    }

    @Test
    void worstCase_withAUserService_addsItsPostAndItsRecord() {
        assertThat(RecordBudget.worstCase(Duration.ofSeconds(3), Duration.ofSeconds(20), true))
                .isEqualTo(Duration.ofSeconds(19 + 3 + 1 + 3));
    }

    @Test
    void minimumFunctionTimeout_addsTheInvocationMargin() {
        assertThat(RecordBudget.minimumFunctionTimeout(Duration.ofSeconds(19))).isEqualTo(Duration.ofMillis(21_500));
    }
}
