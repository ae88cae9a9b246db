package dev.provisioning.common;

import java.util.Set;

/**
 * The environment variables of the two functions: the one list that the functions read (through {@link Settings})
 * and that infra, the local harness and the bench set. Each function's tests prove that it reads exactly its set;
 * infra's tests prove that the stack sets nothing outside it and everything it requires. Endpoint overrides
 * ({@code AWS_ENDPOINT_URL_*}, the SDK's own names) are for emulators and are not listed.
 */
public final class FunctionEnvironment {

    private FunctionEnvironment() {}

    // Set by Lambda itself.
    public static final String AWS_REGION = "AWS_REGION";
    public static final String AWS_DEFAULT_REGION = "AWS_DEFAULT_REGION";
    public static final String AWS_LAMBDA_FUNCTION_NAME = "AWS_LAMBDA_FUNCTION_NAME";

    // Both functions.
    public static final String QUEUE_URL = "QUEUE_URL";
    public static final String AWS_API_CALL_TIMEOUT_MS = "AWS_API_CALL_TIMEOUT_MS";
    public static final String AWS_API_CALL_ATTEMPT_TIMEOUT_MS = "AWS_API_CALL_ATTEMPT_TIMEOUT_MS";
    public static final String METRICS_NAMESPACE = "METRICS_NAMESPACE";
    public static final String LOG_LEVEL = "LOG_LEVEL";

    // The ingest trigger.
    public static final String ENQUEUE_FAILURE_POLICY = "ENQUEUE_FAILURE_POLICY";
    public static final String ENQUEUE_TIMEOUT_MS = "ENQUEUE_TIMEOUT_MS";
    public static final String ENQUEUE_SAFETY_MARGIN_MS = "ENQUEUE_SAFETY_MARGIN_MS";

    // The provisioner.
    public static final String TABLE_NAME = "TABLE_NAME";
    public static final String SENDER_ADDRESS = "SENDER_ADDRESS";
    public static final String DLQ_URL = "DLQ_URL";
    public static final String MAX_RECEIVE_COUNT = "MAX_RECEIVE_COUNT";
    public static final String BACKOFF_BASE_SECONDS = "BACKOFF_BASE_SECONDS";
    public static final String BACKOFF_CAP_SECONDS = "BACKOFF_CAP_SECONDS";
    public static final String EMAIL_CLAIM_LEASE_SECONDS = "EMAIL_CLAIM_LEASE_SECONDS";
    public static final String RECORD_TIME_RESERVE_MS = "RECORD_TIME_RESERVE_MS";
    /** Records of one batch in flight at once ({@link Deployment#BATCH_CONCURRENCY} by default). */
    public static final String BATCH_CONCURRENCY = "BATCH_CONCURRENCY";

    public static final String USER_SERVICE_URL = "USER_SERVICE_URL";
    public static final String USER_SERVICE_API_KEY = "USER_SERVICE_API_KEY";
    public static final String USER_SERVICE_API_KEY_SECRET_ARN = "USER_SERVICE_API_KEY_SECRET_ARN";
    public static final String METRICS_PUBLISH_TIMEOUT_MS = "METRICS_PUBLISH_TIMEOUT_MS";
    public static final String WELCOME_EMAIL_UNVERIFIED = "WELCOME_EMAIL_UNVERIFIED";
    /** The product name the welcome email shows (optional: the templates then use generic wording). */
    public static final String WELCOME_EMAIL_PRODUCT_NAME = "WELCOME_EMAIL_PRODUCT_NAME";
    /** The https link where users sign in, shown in the welcome email (optional). */
    public static final String WELCOME_EMAIL_SIGN_IN_URL = "WELCOME_EMAIL_SIGN_IN_URL";
    /** The https link where users get help, shown in the welcome email (optional). */
    public static final String WELCOME_EMAIL_SUPPORT_URL = "WELCOME_EMAIL_SUPPORT_URL";
    /** The locale of users whose own locale has no templates ({@code en} unless set). */
    public static final String WELCOME_EMAIL_DEFAULT_LOCALE = "WELCOME_EMAIL_DEFAULT_LOCALE";
    /** The SES configuration set every send names, so bounces and complaints reach its event destination. */
    public static final String SES_CONFIGURATION_SET = "SES_CONFIGURATION_SET";
    /** The function's configured timeout, which Lambda does not expose: set by infra and the harness. */
    public static final String FUNCTION_TIMEOUT_SECONDS = "FUNCTION_TIMEOUT_SECONDS";

    private static final Set<String> EVERY_FUNCTION = Set.of(
            AWS_REGION,
            AWS_DEFAULT_REGION,
            AWS_LAMBDA_FUNCTION_NAME,
            AWS_API_CALL_TIMEOUT_MS,
            AWS_API_CALL_ATTEMPT_TIMEOUT_MS,
            METRICS_NAMESPACE,
            LOG_LEVEL);

    /** Every variable the ingest trigger reads at start-up. */
    public static final Set<String> TRIGGER = union(
            EVERY_FUNCTION, Set.of(QUEUE_URL, ENQUEUE_FAILURE_POLICY, ENQUEUE_TIMEOUT_MS, ENQUEUE_SAFETY_MARGIN_MS));

    /** The trigger's variables without a default, which a deployment must set (Lambda sets the region). */
    public static final Set<String> TRIGGER_REQUIRED = Set.of(QUEUE_URL);

    /** Every variable the provisioner reads at start-up. */
    public static final Set<String> PROVISIONER = union(
            EVERY_FUNCTION,
            Set.of(
                    QUEUE_URL,
                    TABLE_NAME,
                    SENDER_ADDRESS,
                    DLQ_URL,
                    MAX_RECEIVE_COUNT,
                    BACKOFF_BASE_SECONDS,
                    BACKOFF_CAP_SECONDS,
                    EMAIL_CLAIM_LEASE_SECONDS,
                    RECORD_TIME_RESERVE_MS,
                    BATCH_CONCURRENCY,
                    USER_SERVICE_URL,
                    USER_SERVICE_API_KEY,
                    USER_SERVICE_API_KEY_SECRET_ARN,
                    METRICS_PUBLISH_TIMEOUT_MS,
                    WELCOME_EMAIL_UNVERIFIED,
                    WELCOME_EMAIL_PRODUCT_NAME,
                    WELCOME_EMAIL_SIGN_IN_URL,
                    WELCOME_EMAIL_SUPPORT_URL,
                    WELCOME_EMAIL_DEFAULT_LOCALE,
                    SES_CONFIGURATION_SET,
                    FUNCTION_TIMEOUT_SECONDS));

    /** The provisioner's variables without a default, which a deployment must set. */
    public static final Set<String> PROVISIONER_REQUIRED = Set.of(QUEUE_URL, TABLE_NAME, SENDER_ADDRESS, DLQ_URL);

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
