package dev.provisioning.bench;

import java.net.URI;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The floor: the least a Java function can do to put one message on SQS with the same HTTP
 * client. A fresh JVM builds an {@code SqsClient}, sends one message, says so and exits.
 */
public final class FloorColdProbe {

    private FloorColdProbe() {}

    public static void main(String[] args) {
        SqsClient sqs = SqsClient.builder()
                .region(Region.of(Probes.env("AWS_REGION")))
                .endpointOverride(URI.create(Probes.env("AWS_ENDPOINT_URL_SQS")))
                .credentialsProvider(EnvironmentVariableCredentialsProvider.create())
                .httpClient(UrlConnectionHttpClient.create())
                .build();
        sqs.sendMessage(b -> b.queueUrl(Probes.env("QUEUE_URL")).messageBody("{\"floor\":true}"));
        System.out.println(Probes.DONE);
        System.out.flush();
        System.exit(0);
    }
}
