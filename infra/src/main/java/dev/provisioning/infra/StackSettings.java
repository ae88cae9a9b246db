package dev.provisioning.infra;

import dev.provisioning.common.Deployment;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.common.EnqueueFailurePolicy;
import dev.provisioning.common.RecordBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The typed, validated inputs of {@link ProvisioningStack}, read once from CDK context with defaults; every
 * error names the context key to fix.
 *
 * @param userPoolId id of an existing user pool to import, or {@code null} to create one
 * @param userPoolConstructId construct id of the created pool; changing it makes CloudFormation replace the pool
 * @param senderAddress SES sender (email identity) of the welcome email
 * @param senderIdentityExists {@code true} when the account already has the SES identity, so the stack must not
 *     create it
 * @param tableName physical name of the accounts table
 * @param batchSize event source mapping batch size
 * @param batchingWindowSeconds event source mapping batching window
 * @param provisionerTimeoutSeconds the provisioner's function timeout; the queue's visibility timeout follows it
 * @param maxConcurrency event source mapping maximum concurrency (2..1000)
 * @param userServiceUrl optional HTTP user service, or {@code null}
 * @param enqueueFailurePolicy what the trigger does when SendMessage fails
 * @param enqueueTimeoutMs the trigger's total budget for SendMessage
 * @param alarmTopicArn optional SNS topic for alarm actions, or {@code null}
 * @param triggerJar deployable jar of ingest-trigger
 * @param provisionerJar deployable jar of provisioner
 * @param userServiceKeySecretArn the complete ARN of an existing Secrets Manager secret holding the user-service API
 *     key, or {@code null} for the stack to create one (when a user service is set)
 * @param javaRuntime the Lambda runtime of both functions
 * @param welcomeUnverifiedEmails whether addresses Cognito has not verified get the welcome email too (off by default)
 * @param welcomeEmail what the welcome email says about the product, and its default locale
 */
public record StackSettings(
        String userPoolId,
        String userPoolConstructId,
        String senderAddress,
        boolean senderIdentityExists,
        String tableName,
        int batchSize,
        int batchingWindowSeconds,
        int provisionerTimeoutSeconds,
        int maxConcurrency,
        String userServiceUrl,
        EnqueueFailurePolicy enqueueFailurePolicy,
        int enqueueTimeoutMs,
        String alarmTopicArn,
        Path triggerJar,
        Path provisionerJar,
        String userServiceKeySecretArn,
        JavaRuntime javaRuntime,
        boolean welcomeUnverifiedEmails,
        WelcomeEmail welcomeEmail) {

    /**
     * The welcome email's configuration, passed to the provisioner as {@code WELCOME_EMAIL_*}; {@code null} values
     * are not set (the templates then leave the sentence out, and the default locale is {@code en}).
     *
     * @param productName context {@value #PRODUCT_NAME}
     * @param signInUrl context {@value #SIGN_IN_URL}, an https URL
     * @param supportUrl context {@value #SUPPORT_URL}, an https URL
     * @param defaultLocale context {@value #DEFAULT_LOCALE}, a locale folder of the templates
     */
    public record WelcomeEmail(String productName, String signInUrl, String supportUrl, String defaultLocale) {

        /** Context key: the product name the welcome email shows. */
        public static final String PRODUCT_NAME = "productName";
        /** Context key: the https link where users sign in. */
        public static final String SIGN_IN_URL = "signInUrl";
        /** Context key: the https link where users get help. */
        public static final String SUPPORT_URL = "supportUrl";
        /** Context key: the locale of users whose own has no templates. */
        public static final String DEFAULT_LOCALE = "emailDefaultLocale";

        public WelcomeEmail {
            for (String[] link : new String[][] {{SIGN_IN_URL, signInUrl}, {SUPPORT_URL, supportUrl}}) {
                if (link[1] != null && !link[1].matches("https://\\S+")) {
                    throw invalid(link[0], link[1], "an https URL (a link in every welcome email)");
                }
            }
            if (defaultLocale != null && !defaultLocale.matches("[a-z]{2,8}(-[a-z0-9]{1,8})*")) {
                throw invalid(DEFAULT_LOCALE, defaultLocale, "a lower-case locale folder name such as en or de");
            }
        }
    }

    /** Context key: id of an existing user pool to import instead of creating one. */
    public static final String USER_POOL_ID = "userPoolId";
    /** Context key: the created pool's construct id; a new one replaces the pool (new id, new ARN, no users). */
    public static final String USER_POOL_CONSTRUCT_ID = "userPoolConstructId";
    /** Context key: SES sender address (required). */
    public static final String SENDER_ADDRESS = "senderAddress";
    /** Context key: {@code true} when the SES identity already exists in the account. */
    public static final String SENDER_IDENTITY_EXISTS = "senderIdentityExists";
    /** Context key: accounts table name. */
    public static final String TABLE_NAME = "tableName";
    /** Context key: event source mapping batch size. */
    public static final String BATCH_SIZE = "batchSize";
    /** Context key: event source mapping batching window in seconds. */
    public static final String BATCHING_WINDOW_SECONDS = "batchingWindowSeconds";
    /** Context key: the provisioner's timeout in seconds. */
    public static final String PROVISIONER_TIMEOUT_SECONDS = "provisionerTimeoutSeconds";
    /** Context key: event source mapping maximum concurrency. */
    public static final String MAX_CONCURRENCY = "maxConcurrency";
    /**
     * Context key: the SES account's maximum sending rate (emails per second); when set, it sizes batchSize and
     * maxConcurrency ({@link SendingRate}) unless those are given too.
     */
    public static final String SES_SENDING_RATE = "sesSendingRate";
    /** Context key: optional HTTP user service URL. */
    public static final String USER_SERVICE_URL = "userServiceUrl";
    /** Context key: the Lambda runtime, {@code java21} or {@code java25} (the default). */
    public static final String JAVA_RUNTIME = "javaRuntime";
    /** Context key: the complete ARN of an existing secret holding the user-service API key. */
    public static final String USER_SERVICE_KEY_SECRET_ARN = "userServiceKeySecretArn";
    /** Context key: {@code true} to send the welcome email to unverified addresses too (WELCOME_EMAIL_UNVERIFIED). */
    public static final String WELCOME_UNVERIFIED_EMAILS = "welcomeUnverifiedEmails";
    /** Context key: FAIL_OPEN or FAIL_CLOSED. */
    public static final String ENQUEUE_FAILURE_POLICY = "enqueueFailurePolicy";
    /** Context key: the trigger's SendMessage budget in milliseconds. */
    public static final String ENQUEUE_TIMEOUT_MS = "enqueueTimeoutMs";
    /** Context key: optional SNS topic ARN for alarm actions. */
    public static final String ALARM_TOPIC_ARN = "alarmTopicArn";
    /** Context key: path of the ingest-trigger Lambda jar. */
    public static final String TRIGGER_JAR = "triggerJar";
    /** Context key: path of the provisioner Lambda jar. */
    public static final String PROVISIONER_JAR = "provisionerJar";

    /** Default provisioner timeout: DynamoDB + SES + optional HTTP per record, a batch of 10 per invocation. */
    public static final int DEFAULT_PROVISIONER_TIMEOUT_SECONDS = 30;
    /** The provisioner's SDK call timeout (AWS_API_CALL_TIMEOUT_MS), retries included; one SES send gets all of it. */
    public static final java.time.Duration PROVISIONER_API_CALL_TIMEOUT = java.time.Duration.ofSeconds(3);
    /** The provisioner's email claim lease (EMAIL_CLAIM_LEASE_SECONDS): several SES calls long. */
    public static final java.time.Duration PROVISIONER_EMAIL_CLAIM_LEASE = java.time.Duration.ofSeconds(20);

    /** Construct id of the user pool the stack creates. */
    public static final String DEFAULT_USER_POOL_CONSTRUCT_ID = "UserPool";
    /** Default trigger jar, relative to the infra module. */
    public static final String DEFAULT_TRIGGER_JAR = "../ingest-trigger/target/ingest-trigger-lambda.jar";
    /** Default provisioner jar, relative to the infra module. */
    public static final String DEFAULT_PROVISIONER_JAR = "../provisioner/target/provisioner-lambda.jar";

    private static final Pattern USER_POOL_ID_PATTERN = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d_[0-9A-Za-z]+");

    /** Validates the settings; the constructor is the single place where their rules live. */
    public StackSettings {
        Objects.requireNonNull(userPoolConstructId, "userPoolConstructId");
        if (!userPoolConstructId.matches("[A-Za-z][A-Za-z0-9]{0,62}")) {
            throw new IllegalArgumentException(USER_POOL_CONSTRUCT_ID + " must be a letter then letters or digits (at"
                    + " most 63), got " + userPoolConstructId);
        }
        Objects.requireNonNull(enqueueFailurePolicy, ENQUEUE_FAILURE_POLICY);
        Objects.requireNonNull(tableName, TABLE_NAME);
        if (userPoolId != null && !USER_POOL_ID_PATTERN.matcher(userPoolId).matches()) {
            throw invalid(USER_POOL_ID, userPoolId, "a user pool id like eu-central-1_AbC123xyZ");
        }
        if (senderAddress == null || !EmailAddresses.isPlausible(senderAddress)) {
            throw new IllegalArgumentException("CDK context '" + SENDER_ADDRESS
                    + "' is required and must be an email address (the SES identity the welcome email is sent"
                    + " from), e.g. cdk synth -c " + SENDER_ADDRESS + "=no-reply@example.com");
        }
        requireRange(BATCHING_WINDOW_SECONDS, batchingWindowSeconds, 0, 300);
        requireRange(BATCH_SIZE, batchSize, 1, 10_000);
        if (batchSize > 10 && batchingWindowSeconds < 1) {
            throw invalid(BATCHING_WINDOW_SECONDS, batchingWindowSeconds, "at least 1 when batchSize > 10 (SQS rule)");
        }
        // At least one slow record (SES's call budget plus DynamoDB), at most Lambda's 900 s. The visibility timeout is
        // derived (6 x timeout + window, see visibilityTimeoutSeconds), so AWS's rule holds by construction, and these
        // ranges keep it within SQS's 12 h limit: 6 x 900 + 300 = 5,700 s.
        requireRange(PROVISIONER_TIMEOUT_SECONDS, provisionerTimeoutSeconds, 10, 900);
        requireRange(MAX_CONCURRENCY, maxConcurrency, 2, 1000);
        // The compact constructor sees its parameters, not yet the fields: the worst case from the parameter.
        java.time.Duration worstCase = RecordBudget.worstCase(
                PROVISIONER_API_CALL_TIMEOUT, PROVISIONER_EMAIL_CLAIM_LEASE, userServiceUrl != null);
        long needed = RecordBudget.minimumFunctionTimeout(worstCase).toSeconds() + 1;
        if (provisionerTimeoutSeconds < needed) {
            throw invalid(
                    PROVISIONER_TIMEOUT_SECONDS,
                    provisionerTimeoutSeconds,
                    "at least " + needed + " s: one record may take " + worstCase.toMillis()
                            + " ms with the stack's timeouts (RecordBudget), plus the invocation's margin");
        }
        // The trigger's timeout is 4 s; SendMessage must finish well inside it, cold start included.
        requireRange(ENQUEUE_TIMEOUT_MS, enqueueTimeoutMs, 100, 3000);
        if (userServiceUrl != null && !userServiceUrl.matches("https://\\S+")) {
            throw invalid(USER_SERVICE_URL, userServiceUrl, "an https URL (the request carries the API key)");
        }
        if (userServiceKeySecretArn != null && !userServiceKeySecretArn.startsWith("arn:")) {
            throw invalid(USER_SERVICE_KEY_SECRET_ARN, userServiceKeySecretArn, "a Secrets Manager secret ARN");
        }
        if (alarmTopicArn != null && !alarmTopicArn.startsWith("arn:")) {
            throw invalid(ALARM_TOPIC_ARN, alarmTopicArn, "an SNS topic ARN");
        }
        requireFile(TRIGGER_JAR, triggerJar, "ingest-trigger");
        requireFile(PROVISIONER_JAR, provisionerJar, "provisioner");
    }

    /**
     * Reads the settings from CDK context.
     *
     * @param context looks up a context value by key ({@code null} when absent); values may be strings (from
     *     {@code -c key=value}) or JSON numbers and booleans (from cdk.json)
     * @param baseDir directory against which relative jar paths resolve (the infra module)
     */
    public static StackSettings fromContext(Function<String, Object> context, Path baseDir) {
        int timeout = integer(context, PROVISIONER_TIMEOUT_SECONDS, DEFAULT_PROVISIONER_TIMEOUT_SECONDS);
        Optional<SendingRate> rate = string(context, SES_SENDING_RATE).map(SendingRate::parse);
        return new StackSettings(
                string(context, USER_POOL_ID).orElse(null),
                string(context, USER_POOL_CONSTRUCT_ID).orElse(DEFAULT_USER_POOL_CONSTRUCT_ID),
                string(context, SENDER_ADDRESS).orElse(null),
                bool(context, SENDER_IDENTITY_EXISTS, false),
                string(context, TABLE_NAME).orElse("accounts"),
                integer(context, BATCH_SIZE, rate.map(r -> r.batchSize(timeout)).orElse(10)),
                integer(context, BATCHING_WINDOW_SECONDS, 1),
                timeout,
                integer(
                        context,
                        MAX_CONCURRENCY,
                        rate.map(SendingRate::maxConcurrency).orElse(5)),
                string(context, USER_SERVICE_URL).orElse(null),
                policy(context),
                integer(context, ENQUEUE_TIMEOUT_MS, 2000),
                string(context, ALARM_TOPIC_ARN).orElse(null),
                path(context, TRIGGER_JAR, DEFAULT_TRIGGER_JAR, baseDir),
                path(context, PROVISIONER_JAR, DEFAULT_PROVISIONER_JAR, baseDir),
                string(context, USER_SERVICE_KEY_SECRET_ARN).orElse(null),
                javaRuntime(context),
                bool(context, WELCOME_UNVERIFIED_EMAILS, false),
                new WelcomeEmail(
                        string(context, WelcomeEmail.PRODUCT_NAME).orElse(null),
                        string(context, WelcomeEmail.SIGN_IN_URL).orElse(null),
                        string(context, WelcomeEmail.SUPPORT_URL).orElse(null),
                        string(context, WelcomeEmail.DEFAULT_LOCALE).orElse(null)));
    }

    /**
     * The signup queue's visibility timeout: {@value Deployment#VISIBILITY_FACTOR} x the provisioner timeout + the batching
     * window, because a batch's messages are in flight from the first receive, through the window, for every try.
     */
    public int visibilityTimeoutSeconds() {
        return Deployment.visibilityTimeoutSeconds(provisionerTimeoutSeconds, batchingWindowSeconds);
    }

    /** The longest one provisioner record may take with the timeouts the stack sets (RecordBudget). */
    public java.time.Duration recordWorstCase() {
        return RecordBudget.worstCase(
                PROVISIONER_API_CALL_TIMEOUT, PROVISIONER_EMAIL_CLAIM_LEASE, userServiceUrl != null);
    }

    /** Whether the stack imports an existing pool rather than creating one. */
    public boolean importsUserPool() {
        return userPoolId != null;
    }

    private static JavaRuntime javaRuntime(Function<String, Object> context) {
        String value = string(context, JAVA_RUNTIME).orElse(JavaRuntime.JAVA25.id());
        for (JavaRuntime runtime : JavaRuntime.values()) {
            if (runtime.id().equals(value)) {
                return runtime;
            }
        }
        throw invalid(JAVA_RUNTIME, value, "java21 or java25");
    }

    private static Optional<String> string(Function<String, Object> context, String key) {
        Object value = context.apply(key);
        if (value == null) {
            return Optional.empty();
        }
        String text = String.valueOf(value).trim();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static int integer(Function<String, Object> context, String key, int defaultValue) {
        Optional<String> text = string(context, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        try {
            // cdk.json numbers arrive as Double through jsii ("10.0").
            double number = Double.parseDouble(text.get());
            if (number != Math.rint(number) || Double.isInfinite(number)) {
                throw invalid(key, text.get(), "a whole number");
            }
            return Math.toIntExact((long) number);
        } catch (NumberFormatException | ArithmeticException e) {
            throw invalid(key, text.get(), "a whole number");
        }
    }

    private static boolean bool(Function<String, Object> context, String key, boolean defaultValue) {
        Optional<String> text = string(context, key);
        if (text.isEmpty()) {
            return defaultValue;
        }
        return switch (text.get().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, text.get(), "true or false");
        };
    }

    private static EnqueueFailurePolicy policy(Function<String, Object> context) {
        Optional<String> text = string(context, ENQUEUE_FAILURE_POLICY);
        if (text.isEmpty()) {
            return EnqueueFailurePolicy.FAIL_OPEN;
        }
        try {
            return EnqueueFailurePolicy.valueOf(text.get().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(ENQUEUE_FAILURE_POLICY, text.get(), "FAIL_OPEN or FAIL_CLOSED");
        }
    }

    private static Path path(Function<String, Object> context, String key, String defaultValue, Path baseDir) {
        Path path = Path.of(string(context, key).orElse(defaultValue));
        return (path.isAbsolute() ? path : baseDir.resolve(path)).normalize();
    }

    private static void requireRange(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw invalid(key, value, "between " + min + " and " + max);
        }
    }

    private static void requireFile(String key, Path jar, String module) {
        if (jar == null || !Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("CDK context '" + key + "': no Lambda jar at " + jar
                    + "; build it first (./mvnw -pl " + module + " -am package) or pass -c " + key + "=<path>");
        }
    }

    private static IllegalArgumentException invalid(String key, Object value, String expected) {
        return new IllegalArgumentException("CDK context '" + key + "' is " + value + "; expected " + expected);
    }
}
