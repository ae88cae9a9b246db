package dev.provisioning.local.aws;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.Settings;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * moto's server mode as a child process on a free loopback port: the local SES (it rejects
 * unverified senders, like SES), CloudWatch, and the Cognito/Lambda/IAM control planes. Also reads
 * moto's state back through its {@code /moto-api/data.json}, which is how tests see sent email.
 */
public final class MotoServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChildProcess process;
    private final URI endpoint;
    private final HttpClient http;

    private MotoServer(ChildProcess process, URI endpoint, HttpClient http) {
        this.process = process;
        this.endpoint = endpoint;
        this.http = http;
    }

    /** Starts {@code moto_server} (or {@code $MOTO_SERVER}) and waits until it answers. */
    public static MotoServer start(String executable, Consumer<String> log) {
        int port = FreePorts.next();
        ChildProcess process;
        try {
            process = ChildProcess.start(
                    "moto", new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port)), log);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "Could not start moto (" + executable + "). Install it with: pip install \"moto[server]\"", e);
        }
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        MotoServer server = new MotoServer(process, endpoint, http);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    /** Where moto is found: {@code $MOTO_SERVER}, else {@code moto_server} on the {@code PATH}. */
    public static String findExecutable(Settings settings) {
        Optional<String> override = settings.optional("MOTO_SERVER");
        if (override.isPresent()) {
            return override.get();
        }
        for (String dir : settings.optional("PATH").orElse("").split(File.pathSeparator)) {
            File candidate = new File(dir, "moto_server");
            if (candidate.canExecute()) {
                return candidate.getPath();
            }
        }
        return "moto_server";
    }

    public URI endpoint() {
        return endpoint;
    }

    /** The moto process's id, e.g. to read its peak memory. */
    public long pid() {
        return process.pid();
    }

    /**
     * Every email moto's SES accepted, oldest first. Read as a stream from moto's whole state ({@code data.json}),
     * keeping only the emails: that state holds every email and every metric datum of the run, and a tree of it would
     * cost the harness hundreds of megabytes at tens of thousands of sign-ups.
     */
    public List<SentEmail> sentEmails() {
        try {
            HttpResponse<InputStream> response = http.send(
                    HttpRequest.newBuilder(endpoint.resolve("/moto-api/data.json"))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("moto data.json answered " + response.statusCode());
                }
                return sentEmails(body);
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not read moto's state from " + endpoint, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted reading moto's state", e);
        }
    }

    /** The emails of {@code data.json} ({@code ses.Message}), every other service skipped unread. */
    static List<SentEmail> sentEmails(InputStream data) throws IOException {
        List<SentEmail> emails = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(data)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("moto's data.json is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String service = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!service.equals("ses") || value != JsonToken.START_OBJECT) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String model = parser.currentName();
                    if (parser.nextToken() == JsonToken.START_ARRAY && model.equals("Message")) {
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            emails.add(sentEmail(parser.readValueAsTree()));
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            }
        }
        return emails;
    }

    private static SentEmail sentEmail(JsonNode message) {
        List<String> to = new ArrayList<>();
        message.path("destinations").path("ToAddresses").forEach(a -> to.add(a.asText()));
        return new SentEmail(
                message.path("id").asText(),
                message.path("source").asText(),
                to,
                message.path("subject").asText(),
                message.path("body").asText());
    }

    private void awaitReady(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "moto exited during start-up; last output:\n" + String.join("\n", process.tail()));
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/moto-api/"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
            } catch (IOException e) {
                // Not listening yet.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for moto", e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for moto", e);
            }
        }
        close();
        throw new IllegalStateException("moto did not answer within " + timeout.toSeconds() + " s; last output:\n"
                + String.join("\n", process.tail()));
    }

    @Override
    public void close() {
        process.close();
    }

    /** One email as moto's SES recorded it; {@code body} is the HTML part when there is one. */
    public record SentEmail(String messageId, String source, List<String> to, String subject, String body) {}
}
