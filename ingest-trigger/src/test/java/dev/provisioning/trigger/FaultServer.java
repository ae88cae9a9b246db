package dev.provisioning.trigger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fault injector on a loopback port, not a fake SQS: it either never answers (a network black
 * hole) or answers every request with SQS's JSON-protocol throttling error. It counts requests so
 * tests can bound the SDK's attempts.
 */
final class FaultServer implements AutoCloseable {

    enum Fault {
        BLACK_HOLE,
        THROTTLING
    }

    private static final byte[] THROTTLED =
            "{\"__type\":\"com.amazonaws.sqs#ThrottlingException\",\"message\":\"Rate exceeded\"}"
                    .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicInteger requests = new AtomicInteger();

    private FaultServer(Fault fault) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            if (fault == Fault.BLACK_HOLE) {
                hang(exchange);
            } else {
                throttle(exchange);
            }
        });
        server.start();
    }

    static FaultServer start(Fault fault) throws IOException {
        return new FaultServer(fault);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    int requests() {
        return requests.get();
    }

    private void hang(HttpExchange exchange) {
        try {
            released.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            exchange.close();
        }
    }

    private static void throttle(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
        exchange.getResponseHeaders().add("x-amzn-query-error", "ThrottlingException;Sender");
        exchange.getResponseHeaders().add("x-amzn-RequestId", "throttled-request");
        exchange.sendResponseHeaders(400, THROTTLED.length);
        exchange.getResponseBody().write(THROTTLED);
        exchange.close();
    }

    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
