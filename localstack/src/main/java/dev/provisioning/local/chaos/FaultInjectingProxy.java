package dev.provisioning.local.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy in front of one local emulator that adds a fixed latency to every call (the network to a
 * regional endpoint) and makes a chosen fraction of the calls fail the way AWS calls fail: throttling, a 500, a timeout, a connection reset. Injected faults
 * happen before forwarding (the service never saw the call). Lost answers happen after it: the
 * service acted, and the caller gets a 500, a timeout or a reset instead of its answer, as when a
 * response is lost on the way back. Optionally, after forwarding, it runs
 * a crash action (kill the calling function) before answering, which models a worker that dies
 * between a side effect and recording it; or it forwards a call twice, which models a caller that
 * retried after a lost response (Cognito retrying its trigger).
 *
 * <p>Only the functions' endpoints go through proxies; the harness's own reads go straight to the
 * emulators, so the report sees the truth. Owns its HTTP server and executor.
 */
public final class FaultInjectingProxy implements AutoCloseable {

    /** The ways a call can fail. */
    public enum Fault {
        THROTTLING,
        SERVER_ERROR,
        TIMEOUT,
        CONNECTION_RESET
    }

    /**
     * What to inject.
     *
     * @param faultRate fraction of calls that fail with one of the faults, unforwarded
     * @param lostAnswerRate fraction of forwarded calls whose answer is replaced by a 500, a timeout or a reset
     * @param crashRate fraction of forwarded calls after which {@code crash} runs before the answer
     * @param duplicateRate fraction of calls forwarded twice (the second answer is returned)
     * @param timeoutDelay how long a TIMEOUT fault holds the call before dropping it
     * @param crash what a crash does (e.g. kill the function instance), or null
     * @param latency added to every call before it is forwarded, standing in for the network to a regional
     *     endpoint (the emulators answer on loopback in well under a millisecond)
     */
    public record Plan(
            double faultRate,
            double lostAnswerRate,
            double crashRate,
            double duplicateRate,
            Duration timeoutDelay,
            Runnable crash,
            Duration latency) {

        public Plan {
            if (latency == null || latency.isNegative()) {
                throw new IllegalArgumentException("latency must be zero or more, got " + latency);
            }
        }

        /** Faults only, no added latency. */
        public Plan(
                double faultRate,
                double lostAnswerRate,
                double crashRate,
                double duplicateRate,
                Duration timeoutDelay,
                Runnable crash) {
            this(faultRate, lostAnswerRate, crashRate, duplicateRate, timeoutDelay, crash, Duration.ZERO);
        }

        public static Plan none() {
            return new Plan(0, 0, 0, 0, Duration.ZERO, null);
        }

        /** No faults; every call held for {@code latency} before it is forwarded. */
        public static Plan latency(Duration latency) {
            return new Plan(0, 0, 0, 0, Duration.ZERO, null, latency);
        }

        public boolean isNone() {
            return faultRate <= 0 && lostAnswerRate <= 0 && crashRate <= 0 && duplicateRate <= 0 && latency.isZero();
        }
    }

    /** How a lost answer reaches the caller: the service acted either way. */
    private static final Fault[] LOST_ANSWERS = {Fault.SERVER_ERROR, Fault.TIMEOUT, Fault.CONNECTION_RESET};

    private static final Set<String> HOP_HEADERS =
            Set.of("host", "connection", "content-length", "expect", "upgrade", "transfer-encoding", "keep-alive");

    private final String name;
    private final URI upstream;
    private final Plan plan;
    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client;
    private final Map<Fault, AtomicLong> faults = new java.util.EnumMap<>(Fault.class);
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong crashes = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong lostAnswers = new AtomicLong();
    private final Map<String, AtomicLong> lostAnswersByOperation = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, AtomicLong> crashesByOperation = new java.util.concurrent.ConcurrentHashMap<>();

    private FaultInjectingProxy(String name, URI upstream, Plan plan) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.plan = plan;
        for (Fault fault : Fault.values()) {
            faults.put(fault, new AtomicLong());
        }
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(executor)
                .build();
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a proxy to {@code upstream} on a free loopback port. */
    public static FaultInjectingProxy start(String name, URI upstream, Plan plan) {
        try {
            return new FaultInjectingProxy(name, upstream, plan);
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the " + name + " proxy", e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public String name() {
        return name;
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long faults() {
        return faults.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long faults(Fault fault) {
        return faults.get(fault).get();
    }

    public long crashes() {
        return crashes.get();
    }

    /** Crashes that followed a forwarded call of one operation, e.g. {@code SendEmail}. */
    public long crashesAfter(String operation) {
        AtomicLong count = crashesByOperation.get(operation);
        return count == null ? 0 : count.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** Calls the service acted on whose answer the caller never got. */
    public long lostAnswers() {
        return lostAnswers.get();
    }

    /** Lost answers of one operation, e.g. {@code SendEmail}. */
    public long lostAnswersOf(String operation) {
        AtomicLong count = lostAnswersByOperation.get(operation);
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (plan.latency().isPositive()) {
                Thread.sleep(plan.latency());
            }
            ThreadLocalRandom random = ThreadLocalRandom.current();
            if (random.nextDouble() < plan.faultRate()) {
                Fault fault = Fault.values()[random.nextInt(Fault.values().length)];
                faults.get(fault).incrementAndGet();
                inject(fault, exchange);
                return;
            }
            HttpResponse<byte[]> response = forward(exchange, body);
            if (random.nextDouble() < plan.duplicateRate()) {
                duplicates.incrementAndGet();
                response = forward(exchange, body);
            }
            if (random.nextDouble() < plan.lostAnswerRate()) {
                lostAnswers.incrementAndGet();
                lostAnswersByOperation
                        .computeIfAbsent(operation(exchange, body), k -> new AtomicLong())
                        .incrementAndGet();
                inject(LOST_ANSWERS[random.nextInt(LOST_ANSWERS.length)], exchange);
                return;
            }
            if (plan.crash() != null && random.nextDouble() < plan.crashRate()) {
                crashes.incrementAndGet();
                crashesByOperation
                        .computeIfAbsent(operation(exchange, body), k -> new AtomicLong())
                        .incrementAndGet();
                plan.crash().run();
            }
            respond(exchange, response);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        upstream.resolve(exchange.getRequestURI().toString()))
                .timeout(Duration.ofSeconds(60))
                .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
        for (Map.Entry<String, List<String>> header :
                exchange.getRequestHeaders().entrySet()) {
            if (!HOP_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                for (String value : header.getValue()) {
                    request.header(header.getKey(), value);
                }
            }
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        forwarded.incrementAndGet();
        return response;
    }

    private static void respond(HttpExchange exchange, HttpResponse<byte[]> response) throws IOException {
        response.headers().map().forEach((key, values) -> {
            if (!HOP_HEADERS.contains(key.toLowerCase(Locale.ROOT)) && !key.startsWith(":")) {
                exchange.getResponseHeaders().put(key, values);
            }
        });
        byte[] body = response.body();
        exchange.sendResponseHeaders(response.statusCode(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    private void inject(Fault fault, HttpExchange exchange) throws IOException, InterruptedException {
        switch (fault) {
            case THROTTLING -> error(exchange, 400, throttlingBody(exchange));
            case SERVER_ERROR -> error(exchange, 500, serverErrorBody(exchange));
            case TIMEOUT -> {
                // Hold the call past the client's attempt timeout, then drop it unanswered.
                Thread.sleep(plan.timeoutDelay());
            }
            case CONNECTION_RESET -> {
                // Closing without a status line: the client sees the connection end mid-call.
            }
        }
    }

    private static void error(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean json = isJsonProtocol(exchange);
        exchange.getResponseHeaders().set("Content-Type", json ? "application/x-amz-json-1.0" : "text/xml");
        if (json && status == 400) {
            exchange.getResponseHeaders().set("x-amzn-query-error", "ThrottlingException;Sender");
        }
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static boolean isJsonProtocol(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        return type != null && type.contains("json");
    }

    /** The error shapes of the JSON protocols (SQS, DynamoDB) and the query protocol (SES). */
    private static String throttlingBody(HttpExchange exchange) {
        if (isJsonProtocol(exchange)) {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String prefix = target.startsWith("DynamoDB") ? "com.amazonaws.dynamodb.v20120810#" : "com.amazonaws.sqs#";
            return "{\"__type\":\"" + prefix + "ThrottlingException\",\"message\":\"Rate exceeded (injected)\"}";
        }
        return "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                + "<Message>Maximum sending rate exceeded (injected).</Message></Error>"
                + "<RequestId>injected</RequestId></ErrorResponse>";
    }

    private static String serverErrorBody(HttpExchange exchange) {
        if (isJsonProtocol(exchange)) {
            return "{\"__type\":\"InternalFailure\",\"message\":\"Internal error (injected)\"}";
        }
        return "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                + "<Message>Internal error (injected).</Message></Error>"
                + "<RequestId>injected</RequestId></ErrorResponse>";
    }

    /** The AWS operation of a call: from X-Amz-Target (JSON) or the Action parameter (query). */
    static String operation(HttpExchange exchange, byte[] body) {
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        if (target != null) {
            return target.substring(target.indexOf('.') + 1);
        }
        String form = new String(body, StandardCharsets.UTF_8);
        for (String pair : form.split("&")) {
            if (pair.startsWith("Action=")) {
                return pair.substring("Action=".length());
            }
        }
        return exchange.getRequestURI().getPath();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
