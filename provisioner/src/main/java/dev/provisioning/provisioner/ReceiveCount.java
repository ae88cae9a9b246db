package dev.provisioning.provisioner;

import com.amazonaws.services.lambda.runtime.events.SQSEvent.SQSMessage;

/** How often SQS has delivered a record: its {@code ApproximateReceiveCount}, 1 when absent or unreadable. */
final class ReceiveCount {

    private ReceiveCount() {}

    static int of(SQSMessage record) {
        String count =
                record.getAttributes() == null ? null : record.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
