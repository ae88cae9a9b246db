package dev.provisioning.common;

import java.time.Duration;

/**
 * The deployment facts that infra sets and {@code doctor} checks, in one place so the two cannot disagree.
 */
public final class Deployment {

    /** Cognito's service principal: the only caller the trigger's resource policy may allow. */
    public static final String COGNITO_PRINCIPAL = "cognito-idp.amazonaws.com";

    /** Alias that Cognito and the event source mapping invoke (SnapStart applies to published versions only). */
    public static final String LIVE_ALIAS = "live";

    /** Receives before the signup queue moves a message to the DLQ: enough that a short outage dead-letters nothing. */
    public static final int MAX_RECEIVE_COUNT = 5;

    /**
     * AWS's advice for SQS event sources: the queue's visibility timeout at least this many times the function's
     * timeout, plus the batching window.
     */
    public static final int VISIBILITY_FACTOR = 6;

    /** How long the DLQ keeps a message: SQS's maximum, the operator's time to inspect and redrive. */
    public static final Duration DLQ_RETENTION = Duration.ofDays(14);

    /**
     * Records of one batch the provisioner handles at once: the default of {@code BATCH_CONCURRENCY}, which infra and
     * the local harness set. A record waits on DynamoDB and SES nearly all its time, so the whole batch (ten records)
     * in flight costs no more billed time than one; see docs/benchmarks.md ({@code ./pipeline bench throughput}).
     */
    public static final int BATCH_CONCURRENCY = 10;

    private Deployment() {}

    /** The smallest visibility timeout (seconds) AWS advises for a function timeout and batching window. */
    public static int visibilityTimeoutSeconds(int functionTimeoutSeconds, int batchingWindowSeconds) {
        return VISIBILITY_FACTOR * functionTimeoutSeconds + batchingWindowSeconds;
    }
}
