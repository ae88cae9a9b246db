package dev.provisioning.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The Lambda Runtime API (2018-06-01) for exactly one instance, as the runtime interface client inside the child JVM
 * sees it. Owned and closed by its {@link Sandbox}.
 */
final class RuntimeApiServer implements AutoCloseable {

    private static final String PREFIX = "/2018-06-01/runtime/";

    private final String instance;
    private final Consumer<String> log;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final BlockingQueue<Invocation> queue = new LinkedBlockingQueue<>();
    private final Map<String, Invocation> inFlight = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Invocation.Outcome initError;

    RuntimeApiServer(String instance, Consumer<String> log) throws IOException {
        this.instance = instance;
        this.log = log;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** The value for {@code AWS_LAMBDA_RUNTIME_API}. */
    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void submit(Invocation invocation) {
        queue.add(invocation);
    }

    /** The error the runtime reported while loading the handler, if any; it exits right after reporting it. */
    Invocation.Outcome initError() {
        return initError;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath().substring(PREFIX.length());
            String method = exchange.getRequestMethod();
            if (method.equals("GET") && path.equals("invocation/next")) {
                next(exchange);
            } else if (method.equals("POST") && path.equals("init/error")) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                initError = Invocation.functionError(body, errorTypeHeader(exchange));
                log.accept("[" + instance + "] init error: " + new String(body, StandardCharsets.UTF_8));
                send(exchange, 202, new byte[0]);
            } else if (method.equals("POST") && path.startsWith("invocation/")) {
                complete(exchange, path.substring("invocation/".length()));
            } else {
                send(exchange, 404, Invocation.toJson(Map.of("errorType", "NotFound", "errorMessage", path)));
            }
        } catch (InterruptedException e) {
            // The sandbox is closing while the runtime waits for work; the child is being killed anyway.
            Thread.currentThread().interrupt();
        }
    }

    private void next(HttpExchange exchange) throws IOException, InterruptedException {
        Invocation invocation = queue.take();
        inFlight.put(invocation.requestId, invocation);
        long deadline = invocation.dispatched();
        var headers = exchange.getResponseHeaders();
        // Required: the native client (aws-lambda-cpp) builds a std::string from the Content-Type and crashes on null.
        headers.set("Content-Type", "application/json");
        headers.set("Lambda-Runtime-Aws-Request-Id", invocation.requestId);
        headers.set("Lambda-Runtime-Deadline-Ms", Long.toString(deadline));
        headers.set("Lambda-Runtime-Invoked-Function-Arn", invocation.functionArn);
        headers.set("Lambda-Runtime-Trace-Id", traceId());
        send(exchange, 200, invocation.payload);
    }

    private void complete(HttpExchange exchange, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String requestId = slash < 0 ? rest : rest.substring(0, slash);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        byte[] body = exchange.getRequestBody().readAllBytes();
        Invocation invocation = inFlight.remove(requestId);
        if (invocation == null || !(action.equals("response") || action.equals("error"))) {
            log.accept("[" + instance + "] runtime posted " + action + " for unknown request " + requestId);
            send(exchange, 400, Invocation.toJson(Map.of("errorType", "InvalidRequestID", "errorMessage", requestId)));
            return;
        }
        invocation.outcome.complete(
                action.equals("response")
                        ? new Invocation.Outcome(Invocation.Kind.SUCCESS, body, null)
                        : Invocation.functionError(body, errorTypeHeader(exchange)));
        // The runtime treats anything but 202 as fatal for error posts.
        send(exchange, 202, new byte[0]);
    }

    private static String errorTypeHeader(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Lambda-Runtime-Function-Error-Type");
        return type != null ? type : "Unhandled";
    }

    private static String traceId() {
        var random = ThreadLocalRandom.current();
        var hex = HexFormat.of();
        return "Root=1-%08x-%s;Parent=%s;Sampled=0"
                .formatted(
                        System.currentTimeMillis() / 1000,
                        hex.formatHex(randomBytes(random, 12)),
                        hex.formatHex(randomBytes(random, 8)));
    }

    private static byte[] randomBytes(ThreadLocalRandom random, int n) {
        byte[] bytes = new byte[n];
        random.nextBytes(bytes);
        return bytes;
    }

    static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        // -1: no body at all; 0 would mean chunked.
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        server.stop(0);
        // Interrupts a handler still blocked in next().
        executor.shutdownNow();
    }
}
