package dev.provisioning.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LocalLambdaHostTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Queue<String> LOGS = new ConcurrentLinkedQueue<>();
    private static LocalLambdaHost host;

    @BeforeAll
    static void startHost() {
        host = LocalLambdaHost.builder().logSink(LocalLambdaHostTest::log).start();
    }

    @AfterAll
    static void closeHost() {
        if (host != null) {
            host.close();
        }
    }

    static void log(String line) {
        LOGS.add(line);
        System.out.println(line);
    }

    static Path testClasses() {
        try {
            return Path.of(TestHandlers.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static FunctionSpec.Builder function(String name, Class<?> handler) {
        return FunctionSpec.builder(name, handler.getName())
                .classpath(testClasses())
                .memoryMb(128);
    }

    static byte[] json(Object value) throws Exception {
        return JSON.writeValueAsBytes(value);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(byte[] json) throws Exception {
        return JSON.readValue(json, Map.class);
    }

    @Test
    void invoke_whenEchoHandler_returnsPayloadColdThenWarm() throws Exception {
        host.register(function("echo-java", TestHandlers.Echo.class).build());

        InvocationResult cold = host.invoke("echo-java", json(Map.of("hello", "world")));
        InvocationResult warm = host.invoke("echo-java", json(Map.of("n", 2)));
        InvocationResult warmer = host.invoke("echo-java", json(Map.of("n", 3)));
        List<Double> warmMillis = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            warmMillis.add(
                    host.invoke("echo-java", json(Map.of("i", i))).duration().toNanos() / 1e6);
        }
        warmMillis.sort(null);
        log("timing: 30 more warm invokes, min %.2f ms, median %.2f ms, max %.2f ms"
                .formatted(warmMillis.getFirst(), warmMillis.get(15), warmMillis.getLast()));

        log("timing: cold " + cold.duration().toMillis() + " ms, warm "
                + warm.duration().toNanos() / 1e6 + " ms, " + warmer.duration().toNanos() / 1e6 + " ms");
        assertThat(cold.functionError()).as(cold.toString()).isFalse();
        assertThat(map(cold.payload())).isEqualTo(Map.of("hello", "world"));
        assertThat(cold.coldStart()).isTrue();
        assertThat(warm.coldStart()).isFalse();
        assertThat(warm.instance()).isEqualTo(cold.instance()).isEqualTo("echo-java#1");
        assertThat(map(warmer.payload())).isEqualTo(Map.of("n", 3));
        assertThat(warmer.duration()).isLessThan(Duration.ofMillis(500));
        assertThat(host.metrics("echo-java"))
                .usingRecursiveComparison()
                .ignoringFields("billedMillis")
                .isEqualTo(new FunctionMetrics(33, 1, 0, 0, 0, 0));
        // Each invocation bills at least a millisecond.
        assertThat(host.metrics("echo-java").billedMillis()).isGreaterThanOrEqualTo(33);
        assertThat(LOGS).anyMatch(line -> line.equals("[echo-java#1] echo " + cold.requestId()));
    }

    @Test
    void invoke_whenHandlerThrows_returnsUnhandledFunctionError() throws Exception {
        host.register(function("failing-java", TestHandlers.Failing.class).build());

        InvocationResult result = host.invoke("failing-java", json(Map.of("reason", "bad input")));

        assertThat(result.functionError()).isTrue();
        assertThat(result.errorType()).isEqualTo("java.lang.IllegalStateException");
        assertThat(map(result.payload()))
                .containsEntry("errorMessage", "boom: bad input")
                .containsEntry("errorType", "java.lang.IllegalStateException");
        // A function error leaves the instance usable, as in Lambda.
        InvocationResult again = host.invoke("failing-java", json(Map.of()));
        assertThat(again.coldStart()).isFalse();
        assertThat(host.metrics("failing-java").errors()).isEqualTo(2);
    }

    @Test
    void invoke_whenHandlerConstructorThrows_returnsInitErrorPromptly() throws Exception {
        host.register(function("broken-java", TestHandlers.BrokenInit.class)
                .timeout(Duration.ofSeconds(30))
                .build());

        InvocationResult result = host.invoke("broken-java", json(Map.of()));

        assertThat(result.functionError()).isTrue();
        assertThat(result.duration()).isLessThan(Duration.ofSeconds(10));
        assertThat(result.payloadUtf8()).contains("missing configuration");
    }

    @Test
    void invoke_whenHandlerExceedsTimeout_returnsTimedOutAndNextInvocationIsCold() throws Exception {
        host.register(function("sleepy-java", TestHandlers.Sleeping.class)
                .timeout(Duration.ofSeconds(1))
                .build());

        InvocationResult timedOut = host.invoke("sleepy-java", json(Map.of("millis", 20_000)));
        InvocationResult next = host.invoke("sleepy-java", json(Map.of("millis", 0)));

        assertThat(timedOut.functionError()).isTrue();
        assertThat(timedOut.errorType()).isEqualTo("Sandbox.Timedout");
        assertThat((String) map(timedOut.payload()).get("errorMessage"))
                .isEqualTo(timedOut.requestId() + " Task timed out after 1.00 seconds");
        assertThat(timedOut.duration()).isLessThan(Duration.ofSeconds(8));
        assertThat(next.functionError()).as(next.toString()).isFalse();
        assertThat(next.payloadUtf8()).isEqualTo("\"slept 0\"");
        assertThat(next.coldStart()).isTrue();
        assertThat(next.instance()).isEqualTo("sleepy-java#2");
        assertThat(host.metrics("sleepy-java"))
                .usingRecursiveComparison()
                .ignoringFields("billedMillis")
                .isEqualTo(new FunctionMetrics(2, 2, 1, 1, 0, 0));
    }

    @Test
    void invoke_whenHandlerHaltsJvm_returnsExitErrorPromptlyAndReplacesInstance() throws Exception {
        host.register(function("halting-java", TestHandlers.Halting.class)
                .timeout(Duration.ofSeconds(30))
                .build());

        InvocationResult crashed = host.invoke("halting-java", json(Map.of("halt", true)));
        InvocationResult next = host.invoke("halting-java", json(Map.of("halt", false)));

        assertThat(crashed.functionError()).isTrue();
        assertThat(crashed.errorType()).isEqualTo("Runtime.ExitError");
        assertThat((String) map(crashed.payload()).get("errorMessage"))
                .contains(crashed.requestId())
                .endsWith("exit status 3");
        assertThat(crashed.duration()).isLessThan(Duration.ofSeconds(10));
        assertThat(next.functionError()).isFalse();
        assertThat(next.coldStart()).isTrue();
        assertThat(host.metrics("halting-java").crashes()).isEqualTo(1);
    }

    @Test
    void killInstance_whenInvocationInFlight_failsItWithExitError() throws Exception {
        host.register(function("chaos-java", TestHandlers.Sleeping.class)
                .timeout(Duration.ofSeconds(30))
                .build());
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<InvocationResult> inFlight =
                    executor.submit(() -> host.invoke("chaos-java", json(Map.of("millis", 25_000))));
            awaitLog("[chaos-java#1] sleeping 25000 ms in ");

            assertThat(host.killInstance("chaos-java")).isTrue();
            InvocationResult result = inFlight.get(10, TimeUnit.SECONDS);

            assertThat(result.errorType()).isEqualTo("Runtime.ExitError");
            assertThat(result.payloadUtf8()).contains("signal: 9");
        }
    }

    @Test
    void invoke_whenMoreParallelRequestsThanConcurrency_startsAtMostMaxInstances() throws Exception {
        host.register(function("parallel-java", TestHandlers.Sleeping.class)
                .maxConcurrency(2)
                .build());
        List<Future<InvocationResult>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 6; i++) {
                results.add(executor.submit(() -> host.invoke("parallel-java", json(Map.of("millis", 300)))));
            }
        }
        List<String> instances = new ArrayList<>();
        for (Future<InvocationResult> result : results) {
            assertThat(result.get().functionError()).as(result.get().toString()).isFalse();
            instances.add(result.get().instance());
        }
        assertThat(instances).allMatch(i -> i.equals("parallel-java#1") || i.equals("parallel-java#2"));
        assertThat(host.metrics("parallel-java").coldStarts()).isEqualTo(2);
        assertThat(host.metrics("parallel-java").invocations()).isEqualTo(6);
    }

    @Test
    void metrics_whenInvocationWaitsForTheOnlyInstance_billsTheTimeInTheInstanceNotTheWait() throws Exception {
        host.register(function("billed-java", TestHandlers.Sleeping.class)
                .maxConcurrency(1)
                .build());
        List<Future<InvocationResult>> results = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 2; i++) {
                results.add(executor.submit(() -> host.invoke("billed-java", json(Map.of("millis", 300)))));
            }
        }
        long waitedAndRan = 0;
        for (Future<InvocationResult> result : results) {
            assertThat(result.get().functionError()).as(result.get().toString()).isFalse();
            waitedAndRan += result.get().duration().toMillis();
        }

        // One of the two waited for the other's whole invocation: its result's duration holds that wait, the bill not.
        long billed = host.metrics("billed-java").billedMillis();
        assertThat(billed).isGreaterThanOrEqualTo(600).isLessThan(waitedAndRan);
    }

    @Test
    void invoke_whenAllInstancesBusyBeyondAcquireTimeout_throwsTooManyRequests() throws Exception {
        try (LocalLambdaHost own = LocalLambdaHost.builder()
                        .logSink(LocalLambdaHostTest::log)
                        .acquireTimeout(Duration.ofMillis(300))
                        .start();
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            own.register(function("single-java", TestHandlers.Sleeping.class)
                    .maxConcurrency(1)
                    .timeout(Duration.ofSeconds(30))
                    .build());
            Future<InvocationResult> busy =
                    executor.submit(() -> own.invoke("single-java", json(Map.of("millis", 3_000))));
            awaitLog("[single-java#1] sleeping 3000 ms in ");

            assertThatThrownBy(() -> own.invoke("single-java", json(Map.of("millis", 0))))
                    .isInstanceOfSatisfying(LambdaHostException.class, e -> assertThat(e.errorCode())
                            .isEqualTo("TooManyRequestsException"))
                    .hasMessageContaining("single-java");
            assertThat(busy.get(10, TimeUnit.SECONDS).functionError()).isFalse();
        }
    }

    @Test
    void invoke_whenIntrospectingHandler_seesLambdaEnvironmentAndContext() throws Exception {
        host.register(function("context-java", TestHandlers.Introspecting.class)
                .timeout(Duration.ofSeconds(7))
                .memoryMb(192)
                .env("CUSTOM_SETTING", "42")
                .env("AWS_ACCESS_KEY_ID", "local-key")
                .build());

        InvocationResult result = host.invoke("context-java", json(Map.of()));

        Map<String, Object> seen = map(result.payload());
        assertThat(seen)
                .containsEntry("AWS_LAMBDA_FUNCTION_NAME", "context-java")
                .containsEntry("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "192")
                .containsEntry("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
                .containsEntry("AWS_REGION", "us-east-1")
                .containsEntry("AWS_DEFAULT_REGION", "us-east-1")
                .containsEntry("AWS_EXECUTION_ENV", "AWS_Lambda_java21")
                .containsEntry("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/context-java")
                .containsEntry("TZ", ":UTC")
                .containsEntry("AWS_ACCESS_KEY_ID", "local-key")
                .containsEntry("CUSTOM_SETTING", "42")
                .containsEntry("PATH", "/usr/local/bin:/usr/bin:/bin")
                .containsEntry("requestId", result.requestId())
                .containsEntry("functionName", "context-java")
                .containsEntry("invokedFunctionArn", "arn:aws:lambda:us-east-1:000000000000:function:context-java")
                .containsEntry("memoryLimitInMB", 192);
        assertThat(((Number) seen.get("remainingMillis")).intValue()).isBetween(1, 7_000);
        assertThat(((Number) seen.get("maxHeapMb")).intValue()).isBetween(150, 192);
    }

    @Test
    void invoke_whenFunctionUnknown_throwsResourceNotFound() {
        assertThatThrownBy(() -> host.invoke("no-such-function", new byte[0]))
                .isInstanceOfSatisfying(LambdaHostException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
                    assertThat(e.httpStatus()).isEqualTo(404);
                })
                .hasMessageContaining("arn:aws:lambda:us-east-1:000000000000:function:no-such-function");
    }

    @Test
    void register_whenJarMissing_throwsNamingFunctionAndPath() {
        FunctionSpec spec = FunctionSpec.builder("missing-jar", "example.Handler")
                .classpath(Path.of("target/does-not-exist-lambda.jar"))
                .build();

        assertThatThrownBy(() -> host.register(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing-jar")
                .hasMessageContaining("does-not-exist-lambda.jar");
        assertThat(host.functionNames()).doesNotContain("missing-jar");
    }

    @Test
    void functionName_whenNameAliasOrArn_resolvesFunctionName() {
        assertThat(LocalLambdaHost.functionName("fn")).isEqualTo("fn");
        assertThat(LocalLambdaHost.functionName("fn:live")).isEqualTo("fn");
        assertThat(LocalLambdaHost.functionName("000000000000:function:fn")).isEqualTo("fn");
        assertThat(LocalLambdaHost.functionName("arn:aws:lambda:us-east-1:000000000000:function:fn"))
                .isEqualTo("fn");
        assertThat(LocalLambdaHost.functionName("arn:aws:lambda:us-east-1:000000000000:function:fn:$LATEST"))
                .isEqualTo("fn");
    }

    @Test
    void close_whenInstancesRunning_leavesNoChildProcessAlive() throws Exception {
        LocalLambdaHost own =
                LocalLambdaHost.builder().logSink(LocalLambdaHostTest::log).start();
        List<ProcessHandle> children;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            own.register(function("idle-java", TestHandlers.Echo.class).build());
            own.register(function("busy-java", TestHandlers.Sleeping.class)
                    .timeout(Duration.ofSeconds(30))
                    .build());
            own.invoke("idle-java", json(Map.of()));
            Future<InvocationResult> busy =
                    executor.submit(() -> own.invoke("busy-java", json(Map.of("millis", 25_000))));
            awaitLog("[busy-java#1] sleeping 25000 ms in ");
            children = own.processes();
            assertThat(children).hasSize(2).allMatch(ProcessHandle::isAlive);

            own.close();

            assertThat(children).noneMatch(ProcessHandle::isAlive);
            assertThat(own.processes()).isEmpty();
            assertThat(busy.get(10, TimeUnit.SECONDS).errorType()).isEqualTo("Runtime.ExitError");
        } finally {
            own.close();
        }
    }

    static void awaitLog(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (LOGS.stream().noneMatch(line -> line.contains(fragment))) {
            assertThat(System.nanoTime())
                    .as("log line containing '%s'", fragment)
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
