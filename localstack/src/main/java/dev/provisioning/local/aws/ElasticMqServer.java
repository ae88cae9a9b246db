package dev.provisioning.local.aws;

import java.net.URI;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * ElasticMQ, a real SQS implementation, embedded in this JVM on a dynamic loopback port, with the
 * region and account id set so that queue ARNs look like AWS's (the redrive policy names one).
 */
final class ElasticMqServer implements AutoCloseable {

    private final SQSRestServer server;
    private final URI endpoint;

    private ElasticMqServer(SQSRestServer server, URI endpoint) {
        this.server = server;
        this.endpoint = endpoint;
    }

    static ElasticMqServer start(String region, String accountId) {
        SQSRestServer server = SQSRestServerBuilder.withInterface("127.0.0.1")
                .withDynamicPort()
                .withAWSRegion(region)
                .withAWSAccountId(accountId)
                .start();
        int port = server.waitUntilStarted().localAddress().getPort();
        return new ElasticMqServer(server, URI.create("http://127.0.0.1:" + port));
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        server.stopAndWait();
    }
}
