package dev.provisioning.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.local.aws.LocalAws;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Confirmations without cognito-local ({@link LocalPipeline.SignUps#INVOKE_API}): the harness sends the trigger the
 * PostConfirmation events Cognito sends after ConfirmSignUp, on the Lambda host's Invoke API (the HTTP endpoint
 * cognito-local calls, {@code POST /2015-03-31/functions/{name}/invocations}), a few at a time as Cognito does for
 * concurrent sign-ups. The users are {@link SampleUsers}, as {@link PipelineDriver} signs them up through cognito-local (same addresses,
 * names and locales), with a new sub each.
 */
final class InvokeApiSignUps {

    /** The {@code clientId} of the events' caller context: an app client of {@link LocalPipeline#INVOKE_API_POOL_ID}. */
    static final String CLIENT_ID = "invokeapi0000000000000000";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A confirmed user, as the event carries them; {@code locale} may be null (no such attribute). */
    record User(String sub, String email, String name, String locale) {}

    /**
     * What the sign-ups did.
     *
     * @param users every user an event was sent for: confirmed, as far as Cognito is concerned, whatever the trigger
     *     answered (a PostConfirmation trigger's failure does not undo the confirmation)
     * @param triggerErrors invocations that did not answer with the event (HTTP error, function error, other body)
     */
    record Result(List<User> users, int triggerErrors) {}

    private InvokeApiSignUps() {}

    /**
     * Confirms users {@code first} to {@code first + count - 1} (see {@link LocalPipeline#reserveUsers}), with
     * {@code concurrency} invocations at a time; progress about every tenth.
     */
    static Result confirm(LocalPipeline pipeline, int first, int count, int concurrency, PrintStream err) {
        URI invoke = pipeline.lambda()
                .endpoint()
                .resolve("/2015-03-31/functions/"
                        + URLEncoder.encode(LocalPipeline.TRIGGER_FUNCTION, StandardCharsets.UTF_8) + "/invocations");
        User[] users = new User[count];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        int step = Math.max(1, count / 10);
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        try (ExecutorService senders = Executors.newFixedThreadPool(concurrency)) {
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < concurrency; t++) {
                running.add(senders.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count; ) {
                        User user = user(first + i);
                        users[i] = user;
                        if (!invoke(http, invoke, event(pipeline.poolId(), user))) {
                            errors.incrementAndGet();
                        }
                        if ((i + 1) % step == 0) {
                            err.printf(Locale.ROOT, "  confirmed %d/%d (Invoke API)%n", i + 1, count);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while confirming users on the Invoke API", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Confirming users on the Invoke API failed: " + e.getCause(), e.getCause());
        } finally {
            http.close();
        }
        return new Result(Collections.unmodifiableList(Arrays.asList(users)), errors.get());
    }

    /** User number {@code i}: the address, name and locale cognito-local's sign-ups use, and a new sub. */
    static User user(int i) {
        return new User(
                UUID.randomUUID().toString(), SampleUsers.email(i), SampleUsers.displayName(i), SampleUsers.locale(i));
    }

    /** Whether the trigger answered with the event itself, as it does on success (fail-open included). */
    private static boolean invoke(HttpClient http, URI uri, byte[] event) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("X-Amz-Invocation-Type", "RequestResponse")
                .POST(HttpRequest.BodyPublishers.ofByteArray(event))
                .build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200
                    && response.headers().firstValue("X-Amz-Function-Error").isEmpty()
                    && Arrays.equals(response.body(), event);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The PostConfirmation event Cognito sends after ConfirmSignUp, field for field (the shape cognito-local records,
     * see the test fixtures): user name and sub are the same UUID, as in a pool that signs users in by email.
     */
    static byte[] event(String poolId, User user) {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "1");
        event.put("region", LocalAws.REGION);
        event.put("userPoolId", poolId);
        event.put("userName", user.sub());
        ObjectNode caller = event.putObject("callerContext");
        caller.put("awsSdkVersion", "aws-sdk-unknown-unknown");
        caller.put("clientId", CLIENT_ID);
        event.put("triggerSource", "PostConfirmation_ConfirmSignUp");
        ObjectNode attributes = event.putObject("request").putObject("userAttributes");
        attributes.put("sub", user.sub());
        attributes.put("email", user.email());
        attributes.put("email_verified", "true");
        attributes.put("cognito:user_status", "CONFIRMED");
        attributes.put("name", user.name());
        if (user.locale() != null) {
            attributes.put("locale", user.locale());
        }
        event.putObject("response");
        try {
            return JSON.writeValueAsBytes(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
