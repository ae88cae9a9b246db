package dev.provisioning.ops;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.ops.cli.OpsClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** {@code moto_server} as a child process on a free loopback port, for tests; close() stops it. */
public final class MotoTestServer implements AutoCloseable {

    private final Process process;
    private final URI endpoint;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private MotoTestServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static MotoTestServer start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        MotoTestServer server = new MotoTestServer(process, URI.create("http://127.0.0.1:" + port));
        System.out.println("moto_server pid " + process.pid() + " on port " + port);
        try {
            server.awaitReady(Duration.ofSeconds(60));
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    public URI endpoint() {
        return endpoint;
    }

    /** Closes each of them that is not null, in order, whatever the others do; put moto last. */
    public static void closeAll(AutoCloseable... closeables) {
        for (AutoCloseable closeable : closeables) {
            try {
                if (closeable != null) {
                    closeable.close();
                }
            } catch (Exception ignored) {
                // best effort: a test's clean-up must stop everything it can
            }
        }
    }

    /** The environment of a process whose AWS clients all go to this moto. */
    public Settings settings() {
        return Settings.of(Map.of(
                "AWS_REGION", "us-east-1",
                "AWS_ENDPOINT_URL", endpoint.toString(),
                "AWS_ACCESS_KEY_ID", "test",
                "AWS_SECRET_ACCESS_KEY", "test"));
    }

    /** A client factory for {@link #settings()}; the caller closes it. */
    public AwsClientFactory clientFactory() {
        Settings settings = settings();
        return AwsClientFactory.builder(settings.aws())
                .credentials(OpsClients.credentials(settings))
                .build();
    }

    /** Creates an IAM role (moto's CreateFunction requires an existing one) and returns its ARN. */
    public String createRole(String name) throws IOException, InterruptedException {
        String body = "Action=CreateRole&Version=2010-05-08&RoleName=" + name + "&AssumeRolePolicyDocument=%7B%7D";
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(endpoint)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header(
                                "Authorization",
                                "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/iam/aws4_request,"
                                        + " SignedHeaders=host, Signature=0")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        String text = response.body();
        int start = text.indexOf("<Arn>");
        if (response.statusCode() != 200 || start < 0) {
            throw new IllegalStateException("CreateRole failed: " + response.statusCode() + " " + text);
        }
        return text.substring(start + 5, text.indexOf("</Arn>", start));
    }

    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + process.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(
                        HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IOException("moto_server did not answer within " + timeout);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
