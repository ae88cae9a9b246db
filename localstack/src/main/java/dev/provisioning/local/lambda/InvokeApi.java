package dev.provisioning.local.lambda;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lambda's Invoke API ({@code POST /2015-03-31/functions/{FunctionName}/invocations}) in front of a
 * the local Lambda host, for AWS SDK clients such as cognito-local's. Authentication headers are ignored.
 */
final class InvokeApi implements HttpHandler {

    private static final Pattern PATH = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations/?");

    /** What the API calls on the host. */
    interface Functions {
        InvocationResult invoke(String function, byte[] payload) throws InterruptedException;

        /** @return the request id of the queued invocation */
        String invokeAsync(String function, byte[] payload);

        /** @throws LambdaHostException when there is no such function */
        void requireFunction(String function);
    }

    private final Functions host;

    InvokeApi(Functions host) {
        this.host = host;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Matcher path = PATH.matcher(exchange.getRequestURI().getRawPath());
            if (!path.matches() || !exchange.getRequestMethod().equals("POST")) {
                sendError(
                        exchange,
                        new LambdaHostException(
                                "UnknownOperationException",
                                404,
                                "Unknown operation " + exchange.getRequestMethod() + " "
                                        + exchange.getRequestURI().getRawPath(),
                                null));
                return;
            }
            String function = URLDecoder.decode(path.group(1), StandardCharsets.UTF_8);
            byte[] payload = exchange.getRequestBody().readAllBytes();
            String type = exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type");
            try {
                switch (type == null ? "RequestResponse" : type) {
                    case "RequestResponse" -> sendResult(exchange, host.invoke(function, payload));
                    case "Event" -> {
                        String requestId = host.invokeAsync(function, payload);
                        exchange.getResponseHeaders().set("x-amzn-RequestId", requestId);
                        RuntimeApiServer.send(exchange, 202, new byte[0]);
                    }
                    case "DryRun" -> {
                        host.requireFunction(function);
                        exchange.getResponseHeaders()
                                .set("x-amzn-RequestId", UUID.randomUUID().toString());
                        RuntimeApiServer.send(exchange, 204, new byte[0]);
                    }
                    default ->
                        sendError(
                                exchange,
                                new LambdaHostException(
                                        "InvalidParameterValueException",
                                        400,
                                        "Unsupported InvocationType " + type,
                                        null));
                }
            } catch (LambdaHostException e) {
                sendError(exchange, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sendError(exchange, LambdaHostException.serviceError("Interrupted while invoking " + function, e));
            } catch (RuntimeException e) {
                sendError(exchange, LambdaHostException.serviceError("Invoking " + function + " failed: " + e, e));
            }
        }
    }

    private static void sendResult(HttpExchange exchange, InvocationResult result) throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("x-amzn-RequestId", result.requestId());
        headers.set("X-Amz-Executed-Version", "$LATEST");
        if (result.functionError()) {
            headers.set("X-Amz-Function-Error", "Unhandled");
        }
        RuntimeApiServer.send(exchange, 200, result.payload());
    }

    /** SDKs read the error code from {@code x-amzn-ErrorType} and the text from the body's {@code message}. */
    private static void sendError(HttpExchange exchange, LambdaHostException error) throws IOException {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("Type", error.httpStatus() < 500 ? "User" : "Service");
        body.put("message", error.getMessage());
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("x-amzn-ErrorType", error.errorCode());
        headers.set("x-amzn-RequestId", UUID.randomUUID().toString());
        RuntimeApiServer.send(exchange, error.httpStatus(), Invocation.toJson(body));
    }
}
