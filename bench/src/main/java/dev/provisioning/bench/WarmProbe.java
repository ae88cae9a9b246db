package dev.provisioning.bench;

import dev.provisioning.trigger.PostConfirmationHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.Arrays;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Warm latency in one JVM: the handler against a raw {@code sendMessage} of the same body and
 * message attributes to the same queue, after a warm-up of both, measured in alternating blocks so drift (other builds on the machine, the
 * queue growing) hits both alike. Prints {@code WARM handler_ns=<median> raw_ns=<median>}.
 */
public final class WarmProbe {

    private static final int BLOCK = 50;

    private WarmProbe() {}

    public static void main(String[] args) throws Exception {
        int warmup = Integer.parseInt(args[0]);
        int iterations = Integer.parseInt(args[1]);
        PostConfirmationHandler handler = new PostConfirmationHandler();
        String queueUrl = Probes.env("QUEUE_URL");
        SqsClient raw = SqsClient.builder()
                .region(Region.of(Probes.env("AWS_REGION")))
                .endpointOverride(URI.create(Probes.env("AWS_ENDPOINT_URL_SQS")))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        byte[][] events = new byte[BLOCK][];
        for (int i = 0; i < BLOCK; i++) {
            events[i] = Probes.event(i);
        }
        BenchContext context = new BenchContext();
        // The raw loop sends what the handler sends: a message body the handler wrote, with its
        // message attributes, so the two differ only by what the trigger does around the call.
        invoke(handler, events[0], context);
        Message sample = handlerMessage(raw, queueUrl);
        String body = sample.body();
        Map<String, MessageAttributeValue> attributes = sample.messageAttributes();

        for (int i = 0; i < warmup; i++) {
            invoke(handler, events[i % BLOCK], context);
            raw.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes));
        }
        long[] handlerNanos = new long[iterations];
        long[] rawNanos = new long[iterations];
        for (int done = 0; done < iterations; done += BLOCK) {
            int end = Math.min(iterations, done + BLOCK);
            for (int i = done; i < end; i++) {
                long start = System.nanoTime();
                invoke(handler, events[i % BLOCK], context);
                handlerNanos[i] = System.nanoTime() - start;
            }
            for (int i = done; i < end; i++) {
                long start = System.nanoTime();
                raw.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body).messageAttributes(attributes));
                rawNanos[i] = System.nanoTime() - start;
            }
        }
        System.out.println("WARM handler_ns=" + median(handlerNanos) + " raw_ns=" + median(rawNanos));
        System.out.flush();
        System.exit(0);
    }

    /**
     * A message the handler put on the queue (it carries the {@code schemaVersion} attribute; the
     * floor's cold runs left messages without one in the same queue).
     */
    private static Message handlerMessage(SqsClient sqs, String queueUrl) {
        for (int round = 0; round < 100; round++) {
            for (Message message : sqs.receiveMessage(
                            b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).messageAttributeNames("All"))
                    .messages()) {
                if (message.messageAttributes().containsKey("schemaVersion")) {
                    return message;
                }
            }
        }
        throw new IllegalStateException("No message from the handler on " + queueUrl);
    }

    private static void invoke(PostConfirmationHandler handler, byte[] event, BenchContext context) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream(event.length);
        handler.handleRequest(new ByteArrayInputStream(event), out, context);
        if (out.size() != event.length) {
            throw new IllegalStateException("The handler did not return the event");
        }
    }

    static long median(long[] values) {
        long[] sorted = Arrays.copyOf(values, values.length);
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
