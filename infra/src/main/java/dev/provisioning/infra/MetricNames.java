package dev.provisioning.infra;

/**
 * The custom CloudWatch metric names and dimensions that the alarms and dashboard read, kept in one place so
 * the emitting code (ingest-trigger, provisioner) can be tied to exactly these strings.
 */
public final class MetricNames {

    /** Namespace of every custom metric; the provisioner's PutMetricData permission is conditioned on it. */
    public static final String NAMESPACE = "CognitoProvisioning";

    /** Dimension carrying the emitting Lambda function's name. */
    public static final String DIMENSION_FUNCTION = "function";

    /** Counter: the trigger could not enqueue a confirmed sign-up (the reconciler must heal it). */
    public static final String TRIGGER_ENQUEUE_FAILED = "trigger.enqueue.failed";

    /** Counter: the trigger enqueued a confirmed sign-up. */
    public static final String TRIGGER_ENQUEUED = "trigger.enqueued";

    /** Timer in milliseconds: from the user's confirmation (message creation) to the account being provisioned. */
    public static final String PROVISIONING_LATENCY = "provisioning.latency";

    /** Counter: accounts created (first write of the account record). */
    public static final String ACCOUNT_CREATED = "provisioning.account.created";

    /** Counter: welcome emails sent. */
    public static final String EMAIL_SENT = "provisioning.email.sent";

    /** Counter: messages sent straight to the DLQ as permanent failures. */
    public static final String PERMANENT_FAILURE = "provisioning.permanent.failure";

    private MetricNames() {}
}
