package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeadLetterPublisherTest {

    @Test
    void truncate_whenASurrogatePairStraddlesTheLimit_dropsItWhole() {
        // One unit before the limit, then emoji (two units each): the last pair starts at the limit's last unit.
        String reason = "x" + "😀".repeat(DeadLetterPublisher.MAX_MESSAGE_LENGTH);

        String cut = DeadLetterPublisher.truncate(reason);

        assertThat(cut).hasSize(DeadLetterPublisher.MAX_MESSAGE_LENGTH - 1);
        assertThat(Character.isHighSurrogate(cut.charAt(cut.length() - 1))).isFalse();
        assertThat(cut.codePoints().filter(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
                .isEmpty();
    }

    @Test
    void truncate_whenShortEnough_keepsEveryUnit() {
        String reason = "😀".repeat(DeadLetterPublisher.MAX_MESSAGE_LENGTH / 2);

        assertThat(DeadLetterPublisher.truncate(reason)).isEqualTo(reason);
    }
}
