package dev.provisioning.local.cognito;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of Lambda's Invoke API ({@code POST /2015-03-31/functions/{name}/invocations}) to record what
 * cognito-local sends; the real local Lambda host is tested on its own.
 */
final class RecordingLambda implements AutoCloseable {

    /** How the fake function answers. */
    enum Behaviour {
        /** 200 with the event echoed back, as a handler returning its input does. */
        ECHO,
        /** HTTP 500, as when the Lambda service itself fails. */
        SERVICE_ERROR,
        /** 200 with X-Amz-Function-Error: Unhandled, as when the handler throws. */
        FUNCTION_ERROR
    }

    /** One recorded call. */
    record Invocation(String functionName, String invocationType, String body) {}

    private static final String PREFIX = "/2015-03-31/functions/";
    private final HttpServer server;
    private final List<Invocation> invocations = new CopyOnWriteArrayList<>();

    RecordingLambda(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> handle(exchange, behaviour));
        server.start();
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Invocation> invocations() {
        return List.copyOf(invocations);
    }

    private void handle(HttpExchange exchange, Behaviour behaviour) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"POST".equals(exchange.getRequestMethod())
                    || !path.startsWith(PREFIX)
                    || !path.endsWith("/invocations")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String name = path.substring(PREFIX.length(), path.length() - "/invocations".length());
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            invocations.add(new Invocation(name, exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"), body));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] response;
            switch (behaviour) {
                case ECHO -> {
                    response = body.getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, response.length);
                }
                case SERVICE_ERROR -> {
                    response = "{\"Type\":\"Service\",\"message\":\"fake Lambda service failure\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("X-Amzn-ErrorType", "ServiceException");
                    exchange.sendResponseHeaders(500, response.length);
                }
                case FUNCTION_ERROR -> {
                    response = "{\"errorMessage\":\"boom\",\"errorType\":\"java.lang.IllegalStateException\"}"
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
                    exchange.sendResponseHeaders(200, response.length);
                }
                default -> throw new IllegalStateException(behaviour.name());
            }
            exchange.getResponseBody().write(response);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
