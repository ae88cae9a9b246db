package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.provisioning.common.AccountItem;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import dev.provisioning.common.UserConfirmed;
import dev.provisioning.email.Brand;
import dev.provisioning.email.WelcomeEmailTemplates;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * How SES's answers to SendEmail decide a user's email. The endpoint answers with the status and the XML error shape
 * of SES's query API ({@code ErrorResponse/Error/Code}), the codes SES documents for SendEmail; moto cannot be used
 * here because it refuses no recipient (it checks only the sender). What it was asked is kept, so the tests also see
 * the request SES would get.
 */
class SesRefusalTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final String SENDER = "no-reply@example.com";
    private static HttpServer ses;
    private static final AtomicReference<String[]> answer = new AtomicReference<>();
    private static final List<String> requests = new CopyOnWriteArrayList<>();
    private static LocalDynamoDb dynamoDbLocal;

    @BeforeAll
    static void start() throws Exception {
        ses = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        ses.createContext("/", exchange -> {
            requests.add(URLDecoder.decode(
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8),
                    StandardCharsets.UTF_8));
            String[] status = answer.get();
            byte[] body = (status[1] == null
                            ? "<SendEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\"><SendEmailResult>"
                                    + "<MessageId>0102-ok</MessageId></SendEmailResult><ResponseMetadata><RequestId>r"
                                    + "</RequestId></ResponseMetadata></SendEmailResponse>"
                            : "<ErrorResponse><Error><Type>Sender</Type><Code>" + status[1] + "</Code><Message>"
                                    + status[2] + "</Message></Error><RequestId>r</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(Integer.parseInt(status[0]), body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        ses.start();
        dynamoDbLocal = LocalDynamoDb.start();
    }

    @AfterAll
    static void stop() throws Exception {
        ses.stop(0);
        dynamoDbLocal.close();
    }

    @BeforeEach
    void clear() {
        requests.clear();
    }

    @Test
    void provision_whenSesRefusesTheRecipient_keepsTheAccountRecordsWhyAndNeverAsksAgain() {
        answer.set(new String[] {"400", "MessageRejected", "Address blacklisted."});
        UserConfirmed message = Messages.confirmed("suppressed");

        ProvisioningResult result = provisioner().provision(message);

        assertThat(result.accountCreated()).isTrue();
        assertThat(result.emailSent()).isFalse();
        Map<String, AttributeValue> item = item(message);
        assertThat(item.get(AccountItem.EMAIL_STATE).s()).isEqualTo("REJECTED");
        assertThat(item.get(AccountItem.EMAIL_REJECTED).s()).isEqualTo("MessageRejected: Address blacklisted.");
        assertThat(item).doesNotContainKey("emailClaimToken");

        // A redelivery finds the email done: no second request, no failure.
        ProvisioningResult again = provisioner().provision(message);
        assertThat(again.emailSent()).isFalse();
        assertThat(requests).hasSize(1);
    }

    @Test
    void provision_whenSesRefusesTheRecipientNamingIt_recordsTheReasonWithoutTheAddress() {
        UserConfirmed message = Messages.confirmed("sandbox");
        answer.set(new String[] {
            "400",
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: "
                    + message.email()
        });

        provisioner().provision(message);

        assertThat(item(message).get(AccountItem.EMAIL_REJECTED).s())
                .startsWith("MessageRejected: Email address is not verified.")
                .doesNotContain(message.email());
    }

    @Test
    void provision_whenSesRefusesOurSender_isAConfigurationFailureAndReleasesTheClaim() {
        answer.set(new String[] {
            "400",
            "MessageRejected",
            "Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: " + SENDER
        });
        UserConfirmed message = Messages.confirmed("sender-unverified");

        assertThatThrownBy(() -> provisioner().provision(message))
                .isInstanceOfSatisfying(TransientFailureException.class, e -> assertThat(e.reason())
                        .isEqualTo("CONFIGURATION_SENDER_NOT_VERIFIED"));
        assertThat(item(message).get(AccountItem.EMAIL_STATE).s()).isEqualTo("PENDING");
    }

    @Test
    void provision_whenSendingIsPaused_isAConfigurationFailureNotTheUsers() {
        answer.set(new String[] {"400", "AccountSendingPausedException", "Sending is paused for this account."});
        UserConfirmed message = Messages.confirmed("paused");

        assertThatThrownBy(() -> provisioner().provision(message))
                .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                    FailureClassifier.Failure failure = new FailureClassifier().classify(e);
                    assertThat(FailureClassifier.isConfiguration(failure)).isTrue();
                    assertThat(failure.reason()).isEqualTo("CONFIGURATION_AccountSendingPausedException");
                });
        assertThat(item(message).get(AccountItem.EMAIL_STATE).s()).isEqualTo("PENDING");
    }

    @Test
    void provision_whenAccepted_sendsTheUsersLocaleThroughTheConfigurationSet() {
        answer.set(new String[] {"200", null, null});
        UserConfirmed message = Messages.withLocale(Messages.confirmed("german"), "de-AT");

        ProvisioningResult result = provisioner().provision(message);

        assertThat(result.emailSent()).isTrue();
        assertThat(requests).singleElement().satisfies(request -> assertThat(request)
                .contains("ConfigurationSetName=welcome-emails")
                .contains("Message.Subject.Data=Willkommen bei Acme, Ada Lovelace!"));
        assertThat(item(message).get(AccountItem.EMAIL_STATE).s()).isEqualTo("SENT");
    }

    private static AccountProvisioner provisioner() {
        return new AccountProvisioner(
                new AccountStore(dynamoDbLocal.client(List.of()), LocalDynamoDb.TABLE),
                new WelcomeEmailSender(
                        client(),
                        SENDER,
                        WelcomeEmailTemplates.load(new Brand("Acme", "", ""), "en"),
                        Optional.of("welcome-emails")),
                Optional.empty(),
                Clock.systemUTC(),
                LEASE,
                ProvisioningMetrics.disabled(),
                UnverifiedEmail.SKIP);
    }

    private static SesClient client() {
        Settings settings = Settings.of(Map.of(
                "AWS_REGION",
                "eu-central-1",
                "AWS_ENDPOINT_URL_SES",
                "http://127.0.0.1:" + ses.getAddress().getPort()));
        return AwsClientFactory.builder(settings.aws())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build()
                .build(SesClient.builder(), "SES", AwsClientFactory.Retries.THROTTLING_ONLY);
    }

    private static Map<String, AttributeValue> item(UserConfirmed message) {
        return dynamoDbLocal
                .client(List.of())
                .getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(message.idempotencyKey()))))
                .item();
    }
}
