package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterAttributesTest {

    @Test
    void lastReason_whenMessageOfExhaustedRetries_readsTheReasonItWasWrittenWith() {
        String message = DeadLetterAttributes.exhaustedMessage(5, "THROTTLED", "ThrottlingException: slow down");

        assertThat(DeadLetterAttributes.lastReason(message)).contains("THROTTLED");
    }

    @Test
    void lastReason_whenAnyOtherMessage_isEmpty() {
        assertThat(DeadLetterAttributes.lastReason("Message body is not JSON")).isEmpty();
    }
}
