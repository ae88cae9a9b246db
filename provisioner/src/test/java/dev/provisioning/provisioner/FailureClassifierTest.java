package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.MalformedMessageException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.ses.model.MessageRejectedException;

class FailureClassifierTest {

    private final FailureClassifier classifier = new FailureClassifier();

    @Test
    void classify_whenMalformedMessage_isPermanentWithItsReason() {
        FailureClassifier.Failure failure = classifier.classify(
                new MalformedMessageException(MalformedMessageException.Reason.NOT_JSON, "not json"));

        assertThat(failure.permanent()).isTrue();
        assertThat(failure.reason()).isEqualTo("NOT_JSON");
    }

    @Test
    void classify_whenSesRejectsAddress_isPermanentAndRedactsTheAddress() {
        MessageRejectedException rejected = (MessageRejectedException) MessageRejectedException.builder()
                .statusCode(400)
                .message("Email address is not verified: bob@example.com")
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("MessageRejected")
                        .errorMessage("Email address is not verified: bob@example.com")
                        .build())
                .build();

        FailureClassifier.Failure failure = classifier.classify(rejected);

        assertThat(failure.permanent()).isTrue();
        assertThat(failure.message()).doesNotContain("bob@example.com").contains("<redacted-email>");
    }

    @Test
    void classify_whenThrottledOr5xx_isTransient() {
        DynamoDbException throttled = (DynamoDbException) DynamoDbException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("ThrottlingException")
                        .build())
                .build();
        DynamoDbException internal =
                (DynamoDbException) DynamoDbException.builder().statusCode(500).build();

        assertThat(classifier.classify(throttled).reason()).isEqualTo("THROTTLED");
        assertThat(classifier.classify(internal).permanent()).isFalse();
    }

    @Test
    void classify_whenNetworkOrTimeout_isTransient() {
        assertThat(classifier
                        .classify(SdkClientException.create("Connection reset"))
                        .reason())
                .isEqualTo("NETWORK");
        assertThat(classifier.classify(ApiCallTimeoutException.create(1000)).reason())
                .isEqualTo("TIMEOUT");
    }

    @Test
    void classify_whenAccessDenied_isTransientBecauseWiringCanBeFixed() {
        DynamoDbException denied = (DynamoDbException) DynamoDbException.builder()
                .statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode("AccessDeniedException")
                        .build())
                .build();

        assertThat(classifier.classify(denied).permanent()).isFalse();
        assertThat(classifier.classify(denied).reason()).isEqualTo("CONFIGURATION_AccessDeniedException");
        assertThat(FailureClassifier.isConfiguration(classifier.classify(denied)))
                .isTrue();
    }
}
