package dev.provisioning.local.esm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

class SqsEventSourceMappingTest {

    @Property
    void isRedelivery_isWhetherTheQueueCountsMoreThanOneReceive(@ForAll @IntRange(min = 1, max = 1000) int receives) {
        Message message = Message.builder()
                .messageId("m")
                .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, Integer.toString(receives)))
                .build();

        assertThat(SqsEventSourceMapping.isRedelivery(message)).isEqualTo(receives > 1);
    }

    @Test
    void isRedelivery_whenTheQueueSentNoOrAnUnreadableCount_isFalse() {
        assertThat(SqsEventSourceMapping.isRedelivery(
                        Message.builder().messageId("m").build()))
                .isFalse();
        assertThat(SqsEventSourceMapping.isRedelivery(Message.builder()
                        .messageId("m")
                        .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "many"))
                        .build()))
                .isFalse();
    }
}
