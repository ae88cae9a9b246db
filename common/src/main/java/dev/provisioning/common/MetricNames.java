package dev.provisioning.common;

/**
 * Every custom CloudWatch metric name and dimension of the pipeline, in one place, so that the code
 * that emits a metric and the alarms and dashboard in {@code infra} that read it cannot drift: a
 * renamed metric breaks the build of both.
 *
 * <p>Two kinds of names live here. The provisioner records <em>meters</em> through Micrometer,
 * whose CloudWatch registry publishes each meter under suffixed names: a counter {@code x} as
 * {@code x.count}; a timer or distribution summary {@code x} as {@code x.sum}, {@code x.count},
 * {@code x.avg} and {@code x.max}. The constants in {@link Published} are those names as they
 * arrive in CloudWatch; alarms and dashboards use only them. The trigger writes Embedded Metric
 * Format lines, which arrive under exactly the names given.
 */
public final class MetricNames {

    /** Default namespace of every custom metric; {@code METRICS_NAMESPACE} overrides it. */
    public static final String DEFAULT_NAMESPACE = "CognitoProvisioning";

    /** Dimension: the emitting Lambda function's name ({@code AWS_LAMBDA_FUNCTION_NAME}). */
    public static final String DIMENSION_FUNCTION = "function";

    /** Dimension: what happened, from a small fixed set per metric (never anything about the user). */
    public static final String DIMENSION_OUTCOME = "outcome";

    /** Dimension: a failure's machine-readable reason ({@code THROTTLED}, {@code NOT_JSON}, ...). */
    public static final String DIMENSION_REASON = "reason";

    /** Dimension: the SQS receive count of a retried record, capped at {@link #MAX_ATTEMPT_DIMENSION}. */
    public static final String DIMENSION_ATTEMPT = "attempt";

    /** Receive counts above this share one {@code attempt} value ({@code "10+"}), to bound cardinality. */
    public static final int MAX_ATTEMPT_DIMENSION = 10;

    // --- Trigger (EMF, exact names) ------------------------------------------------------------------

    /** Count: the trigger enqueued a confirmed sign-up. */
    public static final String TRIGGER_ENQUEUED = "trigger.enqueued";

    /** Count: the trigger could not enqueue a confirmed sign-up (the reconciler must heal it). */
    public static final String TRIGGER_ENQUEUE_FAILED = "trigger.enqueue.failed";

    /** Count: the trigger enqueued nothing by design (forgot-password confirmation, unknown trigger source). */
    public static final String TRIGGER_SKIPPED = "trigger.skipped";

    /** Milliseconds: the trigger's handling of one event, enqueue included (not Lambda's init). */
    public static final String TRIGGER_DURATION = "trigger.duration";

    // --- Provisioner (Micrometer meter names; see Published for what CloudWatch shows) ---------------

    /** Counter: account records created (the first write), counted when written. */
    public static final String ACCOUNT_CREATED = "provisioning.account.created";

    /** Counter: attempts whose account already existed (duplicates, redeliveries, replays, retries of a later step). */
    public static final String ACCOUNT_EXISTING = "provisioning.account.existing";

    /** Counter: welcome emails SES accepted (first sends and re-sends). */
    public static final String EMAIL_SENT = "provisioning.email.sent";

    /** Counter: welcome emails sent again because an earlier claim expired unconfirmed (possible duplicate). */
    public static final String EMAIL_RESENT = "provisioning.email.resent";

    /** Accounts created without a welcome email because the address is not verified (WELCOME_EMAIL_UNVERIFIED). */
    public static final String EMAIL_UNVERIFIED = "provisioning.email.unverified";

    /**
     * Counter: welcome emails SES refused for their recipient (a suppressed or rejected address): given up for that
     * user only, the account kept and the reason on its item.
     */
    public static final String EMAIL_REJECTED = "provisioning.email.rejected";

    /** Counter: POSTs to the optional user service, {@code outcome} = {@code success} or {@code failure}. */
    public static final String USER_SERVICE_SYNC = "provisioning.userservice.sync";

    /** Counter: records that failed transiently and will come back, by {@code reason}. */
    public static final String FAILURE_TRANSIENT = "provisioning.failure.transient";

    /**
     * Failures of the deployment that every record hits (unverified sender, refused user-service key, access
     * denied): also counted in {@link #FAILURE_TRANSIENT}; alarmed on, since they heal only when someone fixes them.
     */
    public static final String FAILURE_CONFIGURATION = "provisioning.failure.configuration";

    /** Counter: records dead-lettered at once as permanent failures, by {@code reason}. */
    public static final String FAILURE_PERMANENT = "provisioning.failure.permanent";

    /** Counter: retries scheduled, by {@code attempt} (the record's receive count). */
    public static final String RETRY = "provisioning.retry";

    /** Timer (milliseconds): from the user's confirmation to the account being provisioned. */
    public static final String LATENCY = "provisioning.latency";

    /** Distribution summary: records per provisioner invocation. */
    public static final String BATCH_SIZE = "provisioning.batch.size";

    /**
     * Counter: records per invocation by {@code outcome}: {@code provisioned}, {@code retry} (left on
     * the queue to come back), {@code dead_lettered} (the DLQ accepted it) or {@code deferred} (not
     * started, too little time left in the invocation).
     */
    public static final String RECORDS = "provisioning.records";

    /** The names under which Micrometer's CloudWatch registry publishes the provisioner's meters. */
    public static final class Published {

        public static final String ACCOUNT_CREATED = MetricNames.ACCOUNT_CREATED + ".count";
        public static final String ACCOUNT_EXISTING = MetricNames.ACCOUNT_EXISTING + ".count";
        public static final String EMAIL_SENT = MetricNames.EMAIL_SENT + ".count";
        public static final String EMAIL_RESENT = MetricNames.EMAIL_RESENT + ".count";
        public static final String EMAIL_UNVERIFIED = MetricNames.EMAIL_UNVERIFIED + ".count";
        public static final String EMAIL_REJECTED = MetricNames.EMAIL_REJECTED + ".count";
        public static final String USER_SERVICE_SYNC = MetricNames.USER_SERVICE_SYNC + ".count";
        public static final String FAILURE_TRANSIENT = MetricNames.FAILURE_TRANSIENT + ".count";
        public static final String FAILURE_CONFIGURATION = MetricNames.FAILURE_CONFIGURATION + ".count";
        public static final String FAILURE_PERMANENT = MetricNames.FAILURE_PERMANENT + ".count";
        public static final String RETRY = MetricNames.RETRY + ".count";
        public static final String RECORDS = MetricNames.RECORDS + ".count";

        /** Largest latency of one invocation (ms); alarm on its Maximum, CloudWatch has no percentile of it. */
        public static final String LATENCY_MAX = MetricNames.LATENCY + ".max";

        /** Mean latency of one invocation (ms). */
        public static final String LATENCY_AVG = MetricNames.LATENCY + ".avg";

        /** Provisioned records with a latency, per invocation. */
        public static final String LATENCY_COUNT = MetricNames.LATENCY + ".count";

        /** Largest batch of one invocation. */
        public static final String BATCH_SIZE_MAX = MetricNames.BATCH_SIZE + ".max";

        /** Records per invocation (Sum over a period: records received). */
        public static final String BATCH_SIZE_SUM = MetricNames.BATCH_SIZE + ".sum";

        private Published() {}
    }

    private MetricNames() {}
}
