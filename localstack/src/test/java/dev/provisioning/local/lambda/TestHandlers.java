package dev.provisioning.local.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import java.util.LinkedHashMap;
import java.util.Map;

/** Handlers the tests run inside the host's child JVMs; they depend on nothing but aws-lambda-java-core. */
final class TestHandlers {

    private TestHandlers() {}

    static String handler(Class<?> type) {
        return type.getName();
    }

    /** Returns its input unchanged. */
    public static final class Echo implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            System.out.println("echo " + context.getAwsRequestId());
            return input;
        }
    }

    /** Always fails, as an unhandled exception in function code. */
    public static final class Failing implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            throw new IllegalStateException("boom: " + input.get("reason"));
        }
    }

    /** Sleeps for {@code millis} of the input, then answers. */
    public static final class Sleeping implements RequestHandler<Map<String, Object>, String> {
        @Override
        public String handleRequest(Map<String, Object> input, Context context) {
            long millis = ((Number) input.getOrDefault("millis", 0)).longValue();
            System.out.println("sleeping " + millis + " ms in " + context.getAwsRequestId());
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slept " + millis;
        }
    }

    /** Halts its JVM when asked to, like a crash in native code or an OOM kill; echoes otherwise. */
    public static final class Halting implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            if (Boolean.TRUE.equals(input.get("halt"))) {
                System.out.println("halting");
                System.out.flush();
                Runtime.getRuntime().halt(3);
            }
            return input;
        }
    }

    /** Reports what the function sees of Lambda: environment variables and its context. */
    public static final class Introspecting implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            Map<String, Object> seen = new LinkedHashMap<>();
            for (String name : new String[] {
                "AWS_LAMBDA_FUNCTION_NAME",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
                "AWS_LAMBDA_FUNCTION_VERSION",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
                "AWS_EXECUTION_ENV",
                "AWS_LAMBDA_LOG_GROUP_NAME",
                "TZ",
                "AWS_ACCESS_KEY_ID",
                "CUSTOM_SETTING",
                "PATH",
                "LAMBDA_TASK_ROOT"
            }) {
                seen.put(name, System.getenv(name));
            }
            seen.put("requestId", context.getAwsRequestId());
            seen.put("remainingMillis", context.getRemainingTimeInMillis());
            seen.put("functionName", context.getFunctionName());
            seen.put("invokedFunctionArn", context.getInvokedFunctionArn());
            seen.put("memoryLimitInMB", context.getMemoryLimitInMB());
            seen.put("maxHeapMb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
            return seen;
        }
    }

    /** Fails while the runtime loads it, so the runtime reports an init error and exits. */
    public static final class BrokenInit implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        public BrokenInit() {
            throw new IllegalStateException("missing configuration");
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            return input;
        }
    }
}
