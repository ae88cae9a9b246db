package dev.provisioning.local.lambda;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Settings shared by every instance a host starts.
 *
 * @param javaCommand the java launcher for child JVMs
 * @param runtimeClasspath the runtime interface client and its dependencies, appended to each function's classpath
 * @param jniLibrary the RIC's native client, extracted once per host
 * @param taskRoot working directory and {@code LAMBDA_TASK_ROOT} of the children; kept empty on purpose
 * @param region region for ARNs and {@code AWS_REGION}
 * @param accountId account id for ARNs
 * @param logSink receives every line the host and the functions log
 * @param initTimeout how long a new instance may take to ask for its first invocation
 * @param acquireTimeout how long an invocation waits for a free instance before it is throttled
 */
record HostConfig(
        String javaCommand,
        List<Path> runtimeClasspath,
        Path jniLibrary,
        Path taskRoot,
        String region,
        String accountId,
        Consumer<String> logSink,
        Duration initTimeout,
        Duration acquireTimeout) {

    String functionArn(String functionName) {
        return "arn:aws:lambda:" + region + ":" + accountId + ":function:" + functionName;
    }
}
