package dev.provisioning.local.e2e;

import dev.provisioning.local.LocalPipeline;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awssdk.services.sqs.model.Message;

/** Reads the dead-letter queue without consuming it: receive everything, then make it visible again. */
final class DeadLetters {

    private DeadLetters() {}

    static List<Message> peek(LocalPipeline pipeline) {
        String url = pipeline.resources().deadLetterQueueUrl();
        List<Message> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Message> batch = pipeline.aws()
                    .sqs()
                    .receiveMessage(b -> b.queueUrl(url)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(30)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                break;
            }
            batch.stream().filter(m -> seen.add(m.messageId())).forEach(all::add);
        }
        for (Message message : all) {
            pipeline.aws().sqs().changeMessageVisibility(b -> b.queueUrl(url)
                    .receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
        }
        return all;
    }
}
