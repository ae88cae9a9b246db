package dev.provisioning.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/** The Invoke API as AWS SDK clients (the Java v2 one here, cognito-local's JavaScript v2 one in production) see it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvokeApiTest {

    private static LocalLambdaHost host;
    private static LambdaClient lambda;

    @BeforeAll
    static void start() {
        host = LocalLambdaHost.builder().logSink(LocalLambdaHostTest::log).start();
        host.register(
                LocalLambdaHostTest.function("echo", TestHandlers.Echo.class).build());
        host.register(LocalLambdaHostTest.function("failing", TestHandlers.Failing.class)
                .build());
        lambda = LambdaClient.builder()
                .endpointOverride(host.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClient(UrlConnectionHttpClient.builder()
                        .socketTimeout(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    @AfterAll
    static void stop() {
        if (lambda != null) {
            lambda.close();
        }
        if (host != null) {
            host.close();
        }
    }

    @Test
    void invoke_whenRequestResponseByNameOrArn_returnsPayload() {
        for (String functionName :
                new String[] {"echo", "echo:live", "arn:aws:lambda:us-east-1:000000000000:function:echo"}) {
            InvokeResponse response = lambda.invoke(
                    r -> r.functionName(functionName).payload(SdkBytes.fromUtf8String("{\"user\":\"ada\"}")));

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.functionError()).isNull();
            assertThat(response.executedVersion()).isEqualTo("$LATEST");
            assertThat(response.payload().asUtf8String()).isEqualTo("{\"user\":\"ada\"}");
        }
    }

    @Test
    void invoke_whenHandlerThrows_reportsUnhandledFunctionError() {
        InvokeResponse response =
                lambda.invoke(r -> r.functionName("failing").payload(SdkBytes.fromUtf8String("{\"reason\":\"sdk\"}")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isEqualTo("Unhandled");
        assertThat(response.payload().asUtf8String())
                .contains("\"errorMessage\":\"boom: sdk\"")
                .contains("\"errorType\":\"java.lang.IllegalStateException\"");
    }

    @Test
    void invoke_whenFunctionUnknown_throwsResourceNotFound() {
        assertThatThrownBy(() -> lambda.invoke(r -> r.functionName("missing").payload(SdkBytes.fromUtf8String("{}"))))
                .isInstanceOfSatisfying(ResourceNotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ResourceNotFoundException");
                })
                .hasMessageContaining("Function not found: arn:aws:lambda:us-east-1:000000000000:function:missing");
    }

    @Test
    void invoke_whenEventInvocation_acceptsAndRunsInBackground() throws InterruptedException {
        long before = host.metrics("echo").invocations();

        InvokeResponse response = lambda.invoke(r -> r.functionName("echo")
                .invocationType(InvocationType.EVENT)
                .payload(SdkBytes.fromUtf8String("{\"async\":true}")));

        assertThat(response.statusCode()).isEqualTo(202);
        for (int i = 0; i < 200 && host.metrics("echo").invocations() == before; i++) {
            Thread.sleep(50);
        }
        assertThat(host.metrics("echo").invocations()).isEqualTo(before + 1);
    }

    @Test
    void invoke_whenDryRun_answersNoContent() {
        InvokeResponse response = lambda.invoke(r ->
                r.functionName("echo").invocationType(InvocationType.DRY_RUN).payload(SdkBytes.fromUtf8String("{}")));

        assertThat(response.statusCode()).isEqualTo(204);
    }
}
