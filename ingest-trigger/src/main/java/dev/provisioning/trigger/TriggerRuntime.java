package dev.provisioning.trigger;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.common.metrics.MetricsSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What one trigger sandbox builds once: configuration, the SQS client (with its bounded retries)
 * and the ingest. It primes the client with one cheap request so the first invocation does not pay
 * for loading the SDK's request path, and, through CRaC, primes again before a SnapStart snapshot.
 * It owns the SQS client and its HTTP client for the life of the process.
 */
final class TriggerRuntime implements Resource {

    /** Attempts per SendMessage, the first included; the call's budget bounds them further. */
    static final int MAX_ATTEMPTS = 3;

    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);

    /**
     * Priming during init, where (without SnapStart) Cognito is already waiting: init, priming and
     * the first enqueue share its 5 s. Short, so an SQS that does not answer costs the first event
     * at most this much; the first enqueue's budget is reduced by whatever init took anyway.
     */
    static final Duration PRIME_TIMEOUT = Duration.ofMillis(500);

    /** Priming before a SnapStart snapshot, which nobody waits for. */
    static final Duration CHECKPOINT_PRIME_TIMEOUT = Duration.ofSeconds(2);

    /**
     * The most a SnapStart restore waits for fresh credentials and a primed connection. A synchronous
     * restore is on Cognito's clock (and Lambda bounds the restore hooks too); past this the restore
     * returns and the first invocation waits for whatever is still in flight.
     */
    static final Duration RESTORE_TIMEOUT = Duration.ofMillis(500);

    private final TriggerConfig config;
    private final SqsClient sqs;
    private final AwsCredentialsProvider credentials;
    private final TriggerReporter reporter;
    private final Clock clock;
    private final ColdStart coldStart;
    private final ConfirmationIngest ingest;

    TriggerRuntime(
            TriggerConfig config,
            SqsClient sqs,
            AwsCredentialsProvider credentials,
            TriggerReporter reporter,
            Clock clock,
            ColdStart coldStart) {
        this.config = config;
        this.sqs = sqs;
        this.credentials = credentials;
        this.reporter = reporter;
        this.clock = clock;
        this.coldStart = coldStart;
        this.ingest = new ConfirmationIngest(sqs, config, reporter, clock, coldStart);
    }

    /** The runtime of a Lambda sandbox: reads the environment, builds and primes the client, registers with CRaC. */
    static TriggerRuntime fromEnvironment() {
        Clock clock = Clock.systemUTC();
        // First, before anything slow: when did this sandbox (the JVM) start?
        ColdStart coldStart = ColdStart.startedAt(ColdStart.processStartMillis(clock.millis()));
        Settings settings = Settings.fromEnvironment();
        TriggerConfig config = TriggerConfig.from(settings);
        TriggerReporter reporter =
                new TriggerReporter(System.err::println, System.out::println, MetricsSettings.from(settings), clock);
        // The container provider caches what it fetched, so a snapshot holds credentials that may
        // have expired by its restore: see restored(). Its HTTP timeouts cannot be set (the SDK's
        // builder offers none: 1 s connect and read, up to 5 retries, in SDK 2.40).
        AwsCredentialsProvider credentials = AwsClientFactory.lambdaCredentials();
        TriggerRuntime runtime = new TriggerRuntime(
                config, sqsClient(config, credentials, List.of()), credentials, reporter, clock, coldStart);
        runtime.prime(PRIME_TIMEOUT);
        Core.getGlobalContext().register(runtime);
        coldStart.ready(clock.millis());
        return runtime;
    }

    /**
     * The trigger's SQS client: timeouts capped at the enqueue cap (each request narrows them to its
     * budget), {@link #MAX_ATTEMPTS} attempts with the SDK's standard back-off.
     */
    static SqsClient sqsClient(
            TriggerConfig config, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        AwsClientFactory clients = AwsClientFactory.builder(
                        config.aws().withTimeouts(config.enqueueTimeoutCap(), config.enqueueTimeoutCap()))
                .credentials(credentials)
                .connectionTimeout(CONNECT_TIMEOUT)
                .maxAttempts(MAX_ATTEMPTS)
                .build();
        return clients.build(SqsClient.builder(), "SQS", o -> interceptors.forEach(o::addExecutionInterceptor));
    }

    /**
     * One GetQueueAttributes call: loads and links the SDK's request path (marshalling, signing,
     * HTTP) and opens a connection. Never fails initialisation: a sandbox whose priming failed still
     * serves, and its first SendMessage simply pays the cost.
     *
     * @param timeout the bound on the whole call
     * @return whether the request succeeded
     */
    boolean prime(Duration timeout) {
        try {
            sqs.getQueueAttributes(b -> b.queueUrl(config.queueUrl())
                    .attributeNames(QueueAttributeName.QUEUE_ARN)
                    .overrideConfiguration(o -> o.apiCallTimeout(timeout).apiCallAttemptTimeout(timeout)));
            return true;
        } catch (RuntimeException | LinkageError e) {
            reporter.warmUpFailed("Priming the SQS client failed; the first invocation will load it instead", e);
            return false;
        }
    }

    ConfirmationIngest ingest() {
        return ingest;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        // SnapStart: the snapshot then holds a client whose request path is loaded and initialised.
        prime(CHECKPOINT_PRIME_TIMEOUT);
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        restored(RESTORE_TIMEOUT);
    }

    /**
     * After a SnapStart restore: from now on the first invocation is charged from here, not from the
     * original init. Then, within {@code bound}, resolve credentials and prime again. The snapshot's
     * credentials may have expired; resolving them here refreshes them before the first event, where
     * the SDK would otherwise do it inside the first SendMessage, before that call's own timeout even
     * starts. Priming replaces the snapshot's dead pooled connection. Both run on a daemon thread so
     * the restore waits at most {@code bound}, whatever the credentials endpoint does.
     *
     * @return whether both finished within the bound
     */
    boolean restored(Duration bound) {
        coldStart.restarted(clock.millis());
        Thread refresh = Thread.ofPlatform().daemon().name("trigger-restore").unstarted(() -> {
            try {
                credentials.resolveCredentials();
            } catch (RuntimeException | LinkageError e) {
                reporter.warmUpFailed(
                        "Resolving credentials after restore failed; the first SendMessage will retry", e);
            }
            prime(PRIME_TIMEOUT);
        });
        boolean done;
        try {
            refresh.start();
            done = refresh.join(bound);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        } catch (RuntimeException | LinkageError e) {
            done = false;
        }
        coldStart.ready(clock.millis());
        return done;
    }
}
