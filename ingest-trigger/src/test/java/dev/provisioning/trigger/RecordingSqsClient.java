package dev.provisioning.trigger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/**
 * A fake SQS that keeps the requests and accepts every SendMessage, or throws what it was given
 * (any {@link RuntimeException} or {@link Error}, as a broken jar or writer would).
 */
final class RecordingSqsClient implements SqsClient {

    final List<SendMessageRequest> sent = new CopyOnWriteArrayList<>();
    final List<GetQueueAttributesRequest> primed = new CopyOnWriteArrayList<>();
    private final Supplier<? extends Throwable> failure;

    RecordingSqsClient() {
        this(null);
    }

    private RecordingSqsClient(Supplier<? extends Throwable> failure) {
        this.failure = failure;
    }

    /** A fake whose every SendMessage throws the supplied throwable (unchecked). */
    static RecordingSqsClient failingWith(Supplier<? extends Throwable> failure) {
        return new RecordingSqsClient(failure);
    }

    @Override
    public SendMessageResponse sendMessage(SendMessageRequest request) {
        sent.add(request);
        if (failure != null) {
            Throwable thrown = failure.get();
            if (thrown instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw (Error) thrown;
        }
        return SendMessageResponse.builder().messageId("m-" + sent.size()).build();
    }

    @Override
    public GetQueueAttributesResponse getQueueAttributes(GetQueueAttributesRequest request) {
        primed.add(request);
        return GetQueueAttributesResponse.builder().build();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    @Override
    public void close() {}
}
