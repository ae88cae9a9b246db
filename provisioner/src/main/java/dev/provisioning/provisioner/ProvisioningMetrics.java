package dev.provisioning.provisioner;

import dev.provisioning.common.MetricNames;
import dev.provisioning.common.metrics.MetricsSettings;
import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadFactory;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * The provisioner's metrics: plain {@code record*} calls for the batch processor, and {@link
 * #publish()}, which the handler calls before every invocation returns.
 *
 * <p>Lambda freezes a sandbox between invocations, so Micrometer's usual scheduled publisher would
 * send late, stale or never. Instead each invocation gets its own {@link CloudWatchMeterRegistry}
 * that is never started (no threads) and whose clock's wall time is frozen at the invocation's
 * first measurement, so no step boundary can pass while it records; {@link #publish(Duration)} closes it,
 * and Micrometer's {@code close()} rolls the step meters over and publishes exactly this invocation's
 * values (PutMetricData through the async client) before returning. Only meters this invocation
 * touched exist, so nothing stale or empty is sent. The publish is bounded by the client's call
 * timeout and never throws: a failure is logged at WARN and the values are dropped.
 *
 * <p>Every meter carries the {@code function} dimension; never anything about the user. The {@code record*}
 * calls may come from the records of one batch at once (Micrometer's meters are thread-safe, and the invocation's
 * registry is created under a lock); {@link #publish(Duration)} comes after them, one invocation at a time, as Lambda
 * runs them.
 */
// Not final: BatchProcessorTest substitutes one whose every measurement throws.
class ProvisioningMetrics {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningMetrics.class);

    private final CloudWatchConfig config;
    private final CloudWatchAsyncClient cloudWatch;
    private final Tags common;
    private final java.time.Clock clock;
    private final Duration publishTimeout;
    /** How long the publish under way may wait; read by the registry's config as it sends. */
    private volatile Duration wait;

    private InvocationRegistry current; // guarded by this

    /**
     * @param cloudWatch the async client, whose call timeout bounds {@link #publish(Duration)}; null disables metrics
     * @param publishTimeout how long {@link #publish(Duration)} waits for one PutMetricData at most
     */
    ProvisioningMetrics(
            MetricsSettings settings,
            CloudWatchAsyncClient cloudWatch,
            Duration publishTimeout,
            java.time.Clock clock) {
        this.publishTimeout = publishTimeout;
        this.wait = publishTimeout;
        this.config = config(settings.namespace(), () -> wait);
        this.cloudWatch = cloudWatch == null ? null : new DroppingCloudWatchClient(cloudWatch);
        this.common = Tags.of(MetricNames.DIMENSION_FUNCTION, settings.functionName());
        this.clock = clock;
    }

    /** Metrics that go nowhere, for callers (and tests) without CloudWatch. */
    static ProvisioningMetrics disabled() {
        return new ProvisioningMetrics(
                new MetricsSettings("disabled", "disabled"), null, Duration.ofSeconds(1), java.time.Clock.systemUTC());
    }

    /**
     * Records the account write of one attempt, when it happens: a record whose later step fails
     * still created its account, and its retry finds it existing.
     */
    void recordAccount(boolean created) {
        measure(registry -> registry.counter(
                        created ? MetricNames.ACCOUNT_CREATED : MetricNames.ACCOUNT_EXISTING, common)
                .increment());
    }

    /** Records what provisioning one record did, and its confirmation-to-provisioned latency. */
    void recordProvisioned(ProvisioningResult result, Instant confirmedAt) {
        measure(registry -> {
            if (result.emailSent()) {
                registry.counter(MetricNames.EMAIL_SENT, common).increment();
            }
            if (result.emailResentAfterExpiredClaim()) {
                registry.counter(MetricNames.EMAIL_RESENT, common).increment();
            }
            outcome(registry, MetricNames.RECORDS, "provisioned");
            if (confirmedAt != null) {
                Duration latency = Duration.between(confirmedAt, clock.instant());
                Timer.builder(MetricNames.LATENCY)
                        .tags(common)
                        .register(registry)
                        .record(latency.isNegative() ? Duration.ZERO : latency);
            }
        });
    }

    /** Records why a record failed, by class and reason; its outcome follows with {@link #recordRetry} or
     * {@link #recordDeadLettered}. */
    void recordFailure(FailureClassifier.Failure failure) {
        measure(registry -> {
            registry.counter(
                            failure.permanent() ? MetricNames.FAILURE_PERMANENT : MetricNames.FAILURE_TRANSIENT,
                            common.and(MetricNames.DIMENSION_REASON, failure.reason()))
                    .increment();
            if (FailureClassifier.isConfiguration(failure)) {
                registry.counter(MetricNames.FAILURE_CONFIGURATION, common).increment();
            }
        });
    }

    /** Records a record left on the queue to come back later, by the receive count it failed at. */
    void recordRetry(int receiveCount) {
        measure(registry -> {
            registry.counter(MetricNames.RETRY, common.and(MetricNames.DIMENSION_ATTEMPT, attempt(receiveCount)))
                    .increment();
            outcome(registry, MetricNames.RECORDS, "retry");
        });
    }

    /** Records an account created without a welcome email because its address is not verified. */
    void recordEmailUnverified() {
        measure(registry ->
                registry.counter(MetricNames.EMAIL_UNVERIFIED, common).increment());
    }

    /** Records a welcome email SES refused for its recipient (suppressed or rejected), given up for that user. */
    void recordEmailRejected() {
        measure(registry -> registry.counter(MetricNames.EMAIL_REJECTED, common).increment());
    }

    /** Records a record the dead-letter queue accepted. */
    void recordDeadLettered() {
        measure(registry -> outcome(registry, MetricNames.RECORDS, "dead_lettered"));
    }

    /** Records a record not started because the invocation was running out of time. */
    void recordDeferred() {
        measure(registry -> outcome(registry, MetricNames.RECORDS, "deferred"));
    }

    /** Records one call of the optional user service. */
    void recordUserServiceSync(boolean success) {
        measure(registry -> outcome(registry, MetricNames.USER_SERVICE_SYNC, success ? "success" : "failure"));
    }

    /** Records the size of the batch this invocation received. */
    void recordBatch(int size) {
        measure(registry -> DistributionSummary.builder(MetricNames.BATCH_SIZE)
                .tags(common)
                .register(registry)
                .record(size));
    }

    /**
     * Runs one measurement against this invocation's registry, if metrics are enabled. Never throws: a
     * measurement is taken after the work it counts (an account written, an email sent), and must not turn that
     * work into a failure and its record into a retry.
     */
    private void measure(java.util.function.Consumer<MeterRegistry> measurement) {
        try {
            MeterRegistry registry = registry();
            if (registry != null) {
                measurement.accept(registry);
            }
        } catch (RuntimeException e) {
            log.warn("Metric dropped error={}", e.getClass().getSimpleName());
        }
    }

    /**
     * Sends this invocation's values to CloudWatch and forgets them; call it before the invocation
     * returns (in a {@code finally}). Never throws. Waits at most {@code budget} (the invocation's
     * remaining time less a margin) and at most the publish timeout, so that a slow CloudWatch can
     * never time the invocation out and cost it its batch response. With no time left the values are
     * dropped, and that is logged.
     */
    void publish(Duration budget) {
        InvocationRegistry registry;
        synchronized (this) {
            registry = current;
            current = null;
        }
        if (registry == null) {
            return;
        }
        if (!budget.isPositive()) {
            log.warn("Metrics dropped: no time left in the invocation to publish them");
            return;
        }
        wait = budget.compareTo(publishTimeout) < 0 ? budget : publishTimeout;
        try {
            registry.close();
        } catch (RuntimeException e) {
            log.warn("Metrics dropped: {}", e.getClass().getSimpleName());
        }
    }

    /** This invocation's registry, created by its first measurement; null when metrics are disabled. */
    synchronized MeterRegistry registry() {
        if (cloudWatch == null) {
            return null;
        }
        if (current == null) {
            current = new InvocationRegistry(config, new FrozenWallClock(clock.millis()), cloudWatch);
        }
        return current;
    }

    private void outcome(MeterRegistry registry, String counter, String outcome) {
        registry.counter(counter, common.and(MetricNames.DIMENSION_OUTCOME, outcome))
                .increment();
    }

    static String attempt(int receiveCount) {
        int attempt = Math.max(1, receiveCount);
        return attempt > MetricNames.MAX_ATTEMPT_DIMENSION
                ? MetricNames.MAX_ATTEMPT_DIMENSION + "+"
                : Integer.toString(attempt);
    }

    @SuppressWarnings("deprecation") // readTimeout is how the CloudWatch registry bounds its wait for a send
    private static CloudWatchConfig config(String namespace, Supplier<Duration> publishTimeout) {
        return new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return namespace;
            }

            @Override
            public int batchSize() {
                return CloudWatchConfig.MAX_BATCH_SIZE;
            }

            @Override
            public Duration step() {
                return Duration.ofMinutes(1);
            }

            @Override
            public Duration readTimeout() {
                return publishTimeout.get();
            }

            @Override
            public String toString() {
                return "CloudWatchConfig[namespace=" + namespace.toLowerCase(Locale.ROOT) + "]";
            }
        };
    }

    /** A CloudWatch registry for one invocation: never started, so it owns no threads. */
    static final class InvocationRegistry extends CloudWatchMeterRegistry {

        InvocationRegistry(CloudWatchConfig config, Clock clock, CloudWatchAsyncClient client) {
            super(config, clock, client);
        }

        @Override
        public void start(ThreadFactory threadFactory) {
            // Never schedule: Lambda would freeze the thread. ProvisioningMetrics.publish() closes the registry.
        }
    }

    /**
     * Wall time fixed at the invocation's start, so its step meters never roll over before {@code
     * close()} and the published datums carry the invocation's time; monotonic time stays real.
     */
    record FrozenWallClock(long wallTime) implements Clock {
        @Override
        public long monotonicTime() {
            return System.nanoTime();
        }
    }
}
