package dev.provisioning.provisioner;

import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;

/**
 * Wraps the CloudWatch client the metrics registry publishes through so that a failed PutMetricData
 * is logged once at WARN and dropped (answered as done): metrics never fail or retry a batch. The
 * wrapped client is owned by whoever built it.
 */
final class DroppingCloudWatchClient implements CloudWatchAsyncClient {

    private static final Logger log = LoggerFactory.getLogger(DroppingCloudWatchClient.class);

    private final CloudWatchAsyncClient delegate;

    DroppingCloudWatchClient(CloudWatchAsyncClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
        CompletableFuture<PutMetricDataResponse> sent;
        try {
            sent = delegate.putMetricData(request);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.exceptionally(error -> {
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            log.warn(
                    "Metrics dropped: PutMetricData of {} datums failed error={}",
                    request.metricData().size(),
                    cause.getClass().getSimpleName());
            return PutMetricDataResponse.builder().build();
        });
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // The delegate belongs to its builder.
    }
}
