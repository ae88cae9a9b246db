package dev.provisioning.local.lambda;

import com.sun.net.httpserver.HttpServer;
import dev.provisioning.local.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Runs Lambda functions locally with AWS's own runtime interface client, one child JVM per instance, and serves them
 * through Lambda's Invoke API. The host owns every child process, HTTP server and temporary file it creates;
 * {@link #close()} releases all of them, and a shutdown hook kills leftover children if the JVM exits first.
 */
public final class LocalLambdaHost implements AutoCloseable {

    private final Consumer<String> logSink;
    private final String region;
    private final String accountId;
    private final Duration initTimeout;
    private final Duration acquireTimeout;
    private final ConcurrentHashMap<String, FunctionPool> pools = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread shutdownHook = new Thread(this::killChildren, "local-lambda-host-shutdown");
    private Path workDirectory;
    private HostConfig config;
    private ExecutorService httpExecutor;
    private HttpServer server;

    private LocalLambdaHost(Builder settings) {
        logSink = settings.logSink;
        region = settings.region;
        accountId = settings.accountId;
        initTimeout = settings.initTimeout;
        acquireTimeout = settings.acquireTimeout;
    }

    /** Starts a host with default settings; logs go to {@code System.out}. */
    public static LocalLambdaHost start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    private void open() throws IOException {
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        workDirectory = Files.createTempDirectory("local-lambda-host");
        Path taskRoot = Files.createDirectory(workDirectory.resolve("task"));
        config = new HostConfig(
                // This JVM's own launcher: same version as the RIC flags below are chosen for.
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                RuntimeDistribution.classpath(),
                RuntimeDistribution.extractJniLibrary(workDirectory),
                taskRoot,
                region,
                accountId,
                logSink,
                initTimeout,
                acquireTimeout);
        httpExecutor = Executors.newVirtualThreadPerTaskExecutor();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(httpExecutor);
        server.createContext("/2015-03-31/functions/", new InvokeApi(new InvokeApi.Functions() {
            @Override
            public InvocationResult invoke(String function, byte[] payload) throws InterruptedException {
                return LocalLambdaHost.this.invoke(function, payload);
            }

            @Override
            public String invokeAsync(String function, byte[] payload) {
                return LocalLambdaHost.this.invokeAsync(function, payload);
            }

            @Override
            public void requireFunction(String function) {
                LocalLambdaHost.this.requireFunction(function);
            }
        }));
        server.start();
    }

    /** The Invoke API endpoint, {@code http://127.0.0.1:<port>}, for an SDK client's endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /**
     * Makes a function invocable; instances start on first use.
     *
     * @throws IllegalArgumentException if a classpath entry does not exist
     * @throws IllegalStateException if a function of that name is already registered
     */
    public void register(FunctionSpec spec) {
        Objects.requireNonNull(spec, "spec");
        if (closed.get()) {
            throw new IllegalStateException("Host is closed; cannot register " + spec.name());
        }
        // Fail here, naming the path, rather than with a ClassNotFoundException inside the first invocation.
        for (Path entry : spec.classpath()) {
            if (!Files.exists(entry)) {
                throw new IllegalArgumentException(
                        "Classpath entry of function " + spec.name() + " does not exist: " + entry.toAbsolutePath());
            }
        }
        if (pools.putIfAbsent(spec.name(), new FunctionPool(spec, config)) != null) {
            throw new IllegalStateException("Function " + spec.name() + " is already registered");
        }
    }

    /**
     * Invokes a function synchronously (InvocationType RequestResponse). Function errors, timeouts and crashes are
     * results, not exceptions.
     *
     * @param function a name, {@code name:alias}, or a partial or full ARN
     * @throws LambdaHostException if the function is unknown, stays throttled, or its instance cannot start
     * @throws InterruptedException if interrupted while waiting; the instance running the request is killed
     */
    public InvocationResult invoke(String function, byte[] payload) throws InterruptedException {
        return requireFunction(function).invoke(UUID.randomUUID().toString(), payload);
    }

    /** InvocationType Event: runs in the background, failures are only logged, as Lambda would after its retries. */
    String invokeAsync(String function, byte[] payload) {
        FunctionPool pool = requireFunction(function);
        String requestId = UUID.randomUUID().toString();
        Thread.ofVirtual().name("event-" + requestId).start(() -> {
            try {
                InvocationResult result = pool.invoke(requestId, payload);
                if (result.functionError()) {
                    logSink.accept("[" + pool.spec.name() + "] async invocation " + requestId + " failed: "
                            + result.payloadUtf8());
                }
            } catch (InterruptedException | RuntimeException e) {
                logSink.accept("[" + pool.spec.name() + "] async invocation " + requestId + " not run: " + e);
            }
        });
        return requestId;
    }

    FunctionPool requireFunction(String function) {
        String name = functionName(function);
        FunctionPool pool = pools.get(name);
        if (pool == null) {
            throw LambdaHostException.notFound(config.functionArn(name));
        }
        return pool;
    }

    /** Accepts what Lambda accepts as FunctionName: name, name:alias, account:function:name, or a full ARN. */
    static String functionName(String identifier) {
        String[] parts = identifier.split(":");
        if (identifier.startsWith("arn:") && parts.length >= 7) {
            return parts[6];
        }
        if (parts.length >= 3 && parts[1].equals("function")) {
            return parts[2];
        }
        return parts[0];
    }

    /**
     * Chaos hook: kills one instance of the function (SIGKILL), preferring one that is running an invocation, which
     * then fails with {@code Runtime.ExitError}.
     *
     * @return false if the function had no instance
     */
    public boolean killInstance(String function) {
        return requireFunction(function).killOne();
    }

    public FunctionMetrics metrics(String function) {
        return requireFunction(function).metrics();
    }

    /** Metrics of every registered function, by name. */
    public Map<String, FunctionMetrics> metrics() {
        Map<String, FunctionMetrics> all = new TreeMap<>();
        pools.forEach((name, pool) -> all.put(name, pool.metrics()));
        return all;
    }

    public Set<String> functionNames() {
        return Set.copyOf(pools.keySet());
    }

    /** The child processes currently alive, e.g. to check that none outlives {@link #close()}. */
    public List<ProcessHandle> processes() {
        return pools.values().stream()
                .flatMap(pool -> pool.processes().stream())
                .toList();
    }

    /** The live instances of one function, e.g. to read their peak memory; one process per instance. */
    public List<ProcessHandle> processes(String function) {
        return requireFunction(function).processes();
    }

    private void killChildren() {
        processes().forEach(ProcessHandle::destroyForcibly);
    }

    /** Stops every instance (SIGTERM, then SIGKILL after a few seconds), the HTTP servers, and deletes temp files. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.stop(0);
        }
        // Signal all instances of all functions first, so that they exit in parallel.
        pools.values().forEach(FunctionPool::beginClose);
        pools.values().forEach(FunctionPool::close);
        if (httpExecutor != null) {
            httpExecutor.shutdownNow();
        }
        if (workDirectory != null) {
            deleteRecursively(workDirectory);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down; the hook runs anyway and finds nothing left.
        }
    }

    private void deleteRecursively(Path root) {
        List<Path> left = FileTrees.delete(root);
        if (!left.isEmpty()) {
            logSink.accept(
                    "[lambda-host] could not delete " + left.size() + " paths under " + root + ", e.g. " + left.get(0));
        }
    }

    /** Settings of a {@link LocalLambdaHost}; not thread-safe. */
    public static final class Builder {
        private Consumer<String> logSink = System.out::println;
        private String region = "us-east-1";
        private String accountId = "000000000000";
        private Duration initTimeout = Duration.ofSeconds(10);
        private Duration acquireTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * Receives every function log line, prefixed {@code [function-name#n]}, and the host's own REPORT lines. Called
         * from several threads at once.
         */
        public Builder logSink(Consumer<String> logSink) {
            this.logSink = Objects.requireNonNull(logSink);
            return this;
        }

        public Builder region(String region) {
            this.region = Objects.requireNonNull(region);
            return this;
        }

        public Builder accountId(String accountId) {
            this.accountId = Objects.requireNonNull(accountId);
            return this;
        }

        /** How long a new instance may take to load its handler; Lambda allows 10 s. */
        public Builder initTimeout(Duration initTimeout) {
            this.initTimeout = Objects.requireNonNull(initTimeout);
            return this;
        }

        /** How long an invocation waits for a free instance before it fails with TooManyRequestsException. */
        public Builder acquireTimeout(Duration acquireTimeout) {
            this.acquireTimeout = Objects.requireNonNull(acquireTimeout);
            return this;
        }

        /** Starts the host; on failure everything already started is released again. */
        public LocalLambdaHost start() {
            LocalLambdaHost host = new LocalLambdaHost(this);
            try {
                host.open();
                return host;
            } catch (IOException e) {
                host.close();
                throw new UncheckedIOException("Could not start the local Lambda host", e);
            } catch (RuntimeException e) {
                host.close();
                throw e;
            }
        }
    }
}
