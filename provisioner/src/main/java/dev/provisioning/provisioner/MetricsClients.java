package dev.provisioning.provisioner;

import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.AwsSettings;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * Builds the one async AWS client of the provisioner: CloudWatch for the metrics registry, which
 * needs {@link CloudWatchAsyncClient}. Netty (one event-loop thread, two connections) rather than
 * the CRT client: pure Java, no native library to match to the Lambda architecture, and a smaller
 * jar. Every other client stays on the shared sync url-connection client of {@code common}.
 */
final class MetricsClients {

    private MetricsClients() {}

    /**
     * @param timeout bound on one PutMetricData, retries included; the invocation waits at most this
     */
    static CloudWatchAsyncClient cloudWatch(AwsSettings aws, Duration timeout) {
        SdkAsyncHttpClient http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(1).build())
                .maxConcurrency(2)
                .connectionTimeout(Duration.ofSeconds(1))
                .readTimeout(timeout)
                .writeTimeout(timeout)
                .build();
        var builder = CloudWatchAsyncClient.builder()
                .region(aws.region())
                .credentialsProvider(AwsClientFactory.lambdaCredentials())
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(timeout)
                        .apiCallAttemptTimeout(timeout)
                        .retryStrategy(RetryMode.STANDARD)
                        .build());
        aws.endpointFor("CLOUDWATCH").ifPresent(builder::endpointOverride);
        return builder.build();
    }
}
