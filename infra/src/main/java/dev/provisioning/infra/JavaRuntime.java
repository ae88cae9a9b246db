package dev.provisioning.infra;

import software.amazon.awscdk.services.lambda.Runtime;

/**
 * The Lambda runtime of both functions ({@code javaRuntime} context). Both are Amazon Linux 2023 runtimes supported
 * with SnapStart; the code is compiled for Java 21, so it runs on either. {@link #JAVA25} is the default: it is the
 * JDK the build, the tests and the trigger benchmark run on, so what is measured is what is deployed.
 */
public enum JavaRuntime {
    JAVA21("java21", Runtime.JAVA_21),
    JAVA25("java25", Runtime.JAVA_25);

    private final String id;
    private final Runtime runtime;

    JavaRuntime(String id, Runtime runtime) {
        this.id = id;
        this.runtime = runtime;
    }

    /** The runtime identifier, as Lambda and the context key spell it. */
    public String id() {
        return id;
    }

    Runtime runtime() {
        return runtime;
    }
}
