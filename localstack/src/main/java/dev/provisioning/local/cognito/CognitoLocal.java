package dev.provisioning.local.cognito;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.local.FileTrees;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs cognito-local 5.3.0 (a local Cognito user pool API) as a Node.js child process on a free loopback port. */
public final class CognitoLocal implements AutoCloseable {

    static final String START_SCRIPT = "node_modules/cognito-local/lib/bin/start.js";
    private static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(5);
    private static final int LOG_TAIL = 40;
    // pino-pretty is configured with colorize: true inside cognito-local, so its output always carries ANSI codes.
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    // cognito-local logs confirmation-code deliveries and Lambda payloads verbatim, addresses included.
    private static final Object NPM_LOCK = new Object();

    /**
     * Start-up settings.
     *
     * @param lambdaEndpoint base URI of a server speaking Lambda's Invoke API, or null to run without triggers
     * @param postConfirmationFunction function name cognito-local invokes for PostConfirmation
     * @param region region for the Lambda client's request signing (cognito-local's events always say "local")
     * @param log receives cognito-local's and npm's output, one line at a time, e-mail addresses masked
     * @param projectDir directory holding package.json and (after npm ci) node_modules/cognito-local
     */
    public record Options(
            URI lambdaEndpoint, String postConfirmationFunction, String region, Consumer<String> log, Path projectDir) {

        public Options {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(log, "log");
            Objects.requireNonNull(projectDir, "projectDir");
            if (lambdaEndpoint != null && (postConfirmationFunction == null || postConfirmationFunction.isBlank())) {
                throw new IllegalArgumentException("a Lambda endpoint needs a PostConfirmation function name");
            }
        }
    }

    private final Process process;
    private final Path workDir;
    private final URI endpoint;
    private final String region;
    private final ArrayDeque<String> tail;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private CognitoLocal(Process process, Path workDir, URI endpoint, String region, ArrayDeque<String> tail) {
        this.process = process;
        this.workDir = workDir;
        this.endpoint = endpoint;
        this.region = region;
        this.tail = tail;
        this.shutdownHook = new Thread(() -> stop(process, workDir), "cognito-local-shutdown");
    }

    /** Installs cognito-local if needed, starts it and waits until it answers on its port. */
    public static CognitoLocal start(Options options) {
        requireNode("node");
        Path projectDir = options.projectDir().toAbsolutePath();
        installIfMissing(projectDir, options.log());

        Path workDir;
        try {
            workDir = Files.createTempDirectory("cognito-local-");
            Files.createDirectories(workDir.resolve(".cognito"));
            Files.writeString(workDir.resolve(".cognito/config.json"), config(options));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a working directory for cognito-local", e);
        }

        int port = freePort();
        ProcessBuilder builder = new ProcessBuilder(
                        "node", projectDir.resolve(START_SCRIPT).toString())
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        Map<String, String> env = builder.environment();
        // These are the only variables cognito-local reads; CODE would fix every confirmation code,
        // DEBUG would log every data store write.
        env.keySet().removeAll(List.of("CODE", "DEBUG", "COGNITO_LOCAL_DEVMODE"));
        env.put("PORT", Integer.toString(port));
        env.put("HOST", HOST);
        // aws-sdk v2 warns on load that it is in maintenance mode; noise for every start.
        env.put("AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE", "1");

        ArrayDeque<String> tail = new ArrayDeque<>();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            FileTrees.delete(workDir);
            throw new UncheckedIOException("cannot start cognito-local with node", e);
        }
        drain(process.getInputStream(), options.log(), tail, "cognito-local-log");

        CognitoLocal local =
                new CognitoLocal(process, workDir, URI.create("http://" + HOST + ":" + port), options.region(), tail);
        Runtime.getRuntime().addShutdownHook(local.shutdownHook);
        try {
            local.awaitHealthy();
        } catch (RuntimeException e) {
            local.close();
            throw e;
        }
        return local;
    }

    /** The base URI to use as the Cognito SDK client's endpoint override. */
    public URI endpoint() {
        return endpoint;
    }

    /** The region given at start-up, for SDK clients talking to this instance. */
    public String region() {
        return region;
    }

    /** cognito-local's working directory; its state lives in {@code .cognito/db/<poolId>.json} here. */
    public Path workDir() {
        return workDir;
    }

    /** A new helper client for this instance; the caller closes it. */
    public CognitoLocalClient newClient() {
        return new CognitoLocalClient(endpoint(), region(), workDir());
    }

    ProcessHandle processHandle() {
        return process.toHandle();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop(process, workDir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; it does the same work
        }
    }

    static void requireNode(String nodeCommand) {
        String version;
        try {
            Process p = new ProcessBuilder(nodeCommand, "--version")
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                    .start();
            version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(
                        "cognito-local needs Node.js 18+ on PATH; `" + nodeCommand + " --version` failed: " + version);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cognito-local needs Node.js 18+ on PATH (" + e.getMessage() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the Node.js version", e);
        }
        Matcher m = Pattern.compile("v(\\d+)\\.").matcher(version);
        if (!m.lookingAt() || Integer.parseInt(m.group(1)) < 18) {
            throw new IllegalStateException("cognito-local needs Node.js 18+ on PATH; found " + version);
        }
    }

    private static void installIfMissing(Path projectDir, Consumer<String> log) {
        // One install at a time: two npm ci runs in the same directory would delete each other's files.
        synchronized (NPM_LOCK) {
            if (Files.isRegularFile(projectDir.resolve(START_SCRIPT))) {
                return;
            }
            if (!Files.isRegularFile(projectDir.resolve("package-lock.json"))) {
                throw new IllegalStateException("cognito-local is not installed and " + projectDir
                        + " has no package-lock.json to install it from");
            }
            log.accept("cognito-local is not installed; running npm ci in " + projectDir);
            ArrayDeque<String> tail = new ArrayDeque<>();
            try {
                Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts")
                        .directory(projectDir.toFile())
                        .redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                        .start();
                Thread drainer = drain(npm.getInputStream(), line -> log.accept("npm: " + line), tail, "npm-ci-log");
                if (!npm.waitFor(NPM_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    npm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new IllegalStateException("npm ci in " + projectDir + " did not finish within " + NPM_TIMEOUT
                            + "; last output:\n" + lines(tail));
                }
                drainer.join(5_000);
                if (npm.exitValue() != 0 || !Files.isRegularFile(projectDir.resolve(START_SCRIPT))) {
                    throw new IllegalStateException("npm ci in " + projectDir + " failed (exit " + npm.exitValue()
                            + "), so cognito-local is not installed; last output:\n" + lines(tail));
                }
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cognito-local is not installed and npm could not be started: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during npm ci", e);
            }
        }
    }

    private static String config(Options options) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode config = json.createObjectNode();
        ObjectNode credentials =
                json.createObjectNode().put("accessKeyId", "local").put("secretAccessKey", "local");
        ObjectNode lambdaClient = config.putObject("LambdaClient");
        lambdaClient.put("region", options.region()).set("credentials", credentials);
        if (options.lambdaEndpoint() != null) {
            // Passed straight to `new AWS.Lambda(...)` (aws-sdk v2), which appends /2015-03-31/functions/...
            lambdaClient.put("endpoint", options.lambdaEndpoint().toString());
            config.putObject("TriggerFunctions").put("PostConfirmation", options.postConfirmationFunction());
        }
        // The default already; spelled out because our helpers rely on e-mail user names (Username = sub).
        config.putObject("UserPoolDefaults").putArray("UsernameAttributes").add("email");
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        URI health = endpoint.resolve("/health");
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("cognito-local exited with code " + process.exitValue()
                        + " before answering on " + endpoint + "; last log lines:\n" + lines(tail));
            }
            if (answers(health)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for cognito-local", e);
            }
        }
        throw new IllegalStateException("cognito-local did not answer on " + endpoint + " within " + START_TIMEOUT
                + "; last log lines:\n" + lines(tail));
    }

    private static boolean answers(URI health) {
        try {
            HttpURLConnection c = (HttpURLConnection) health.toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1_000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException notYet) {
            return false;
        }
    }

    private static Thread drain(InputStream in, Consumer<String> log, ArrayDeque<String> tail, String name) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    String clean = EmailAddresses.redact(ANSI.matcher(line).replaceAll(""));
                    synchronized (tail) {
                        tail.addLast(clean);
                        if (tail.size() > LOG_TAIL) {
                            tail.removeFirst();
                        }
                    }
                    try {
                        log.accept(clean);
                    } catch (RuntimeException sinkFailure) {
                        // a broken sink must not stop the draining, or the child blocks on a full pipe
                    }
                }
            } catch (IOException streamClosed) {
                // the process is gone
            }
        });
    }

    private static String lines(ArrayDeque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }

    private static void stop(Process process, Path workDir) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        FileTrees.delete(workDir);
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
