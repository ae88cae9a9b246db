package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.provisioning.common.AccountItem;
import dev.provisioning.common.AwsClientFactory;
import dev.provisioning.common.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * An SES that fails with a 5xx may have sent the email before failing to answer (a lost answer). Neither the SDK
 * nor the provisioner may then send again at once: the SDK does not retry it, and the claim is kept until its lease
 * expires, so the takeover that may follow is counted. The endpoint here answers every call with a 500, as a load
 * balancer in front of SES would after the send; it imitates no SES behaviour beyond that status.
 */
class SesOutcomeUnknownTest {

    private static final Duration LEASE = Duration.ofSeconds(60);
    private static HttpServer failing;
    private static final AtomicInteger calls = new AtomicInteger();
    private static LocalDynamoDb dynamoDbLocal;

    @BeforeAll
    static void start() throws Exception {
        failing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        failing.createContext("/", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] body = ("<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                            + "<Message>Internal error</Message></Error><RequestId>r</RequestId></ErrorResponse>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/xml");
            exchange.sendResponseHeaders(500, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        failing.start();
        dynamoDbLocal = LocalDynamoDb.start();
    }

    @AfterAll
    static void stop() throws Exception {
        failing.stop(0);
        dynamoDbLocal.close();
    }

    private static SesClient ses() {
        Settings settings = Settings.of(Map.of(
                "AWS_REGION",
                "eu-central-1",
                "AWS_ENDPOINT_URL_SES",
                "http://127.0.0.1:" + failing.getAddress().getPort()));
        AwsClientFactory factory = AwsClientFactory.builder(settings.aws())
                .credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .build();
        return factory.build(SesClient.builder(), "SES", AwsClientFactory.Retries.THROTTLING_ONLY);
    }

    @Test
    void provision_whenSesAnswers500_keepsTheClaimAndWaitsOutTheLeaseWithoutASecondCall() {
        AccountStore store = new AccountStore(dynamoDbLocal.client(List.of()), LocalDynamoDb.TABLE);
        AccountProvisioner provisioner = new AccountProvisioner(
                store,
                new WelcomeEmailSender(ses(), "no-reply@example.com"),
                Optional.empty(),
                Clock.systemUTC(),
                LEASE,
                ProvisioningMetrics.disabled(),
                UnverifiedEmail.SKIP);
        var message = Messages.confirmed("ses-500");
        int before = calls.get();

        assertThatThrownBy(() -> provisioner.provision(message))
                .isInstanceOfSatisfying(TransientFailureException.class, e -> {
                    assertThat(e.reason()).isEqualTo("EMAIL_OUTCOME_UNKNOWN");
                    assertThat(e.notBefore()).isEqualTo(LEASE);
                });

        assertThat(calls.get() - before)
                .as("SendEmail attempts: a 5xx is never retried blindly")
                .isEqualTo(1);
        Map<String, AttributeValue> item = dynamoDbLocal
                .client(List.of())
                .getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(message.idempotencyKey()))))
                .item();
        assertThat(item.get("emailState").s()).as("the claim is kept").isEqualTo("SENDING");
        // The next attempt within the lease finds the claim busy and sends nothing.
        assertThatThrownBy(() -> provisioner.provision(message))
                .isInstanceOfSatisfying(TransientFailureException.class, e -> assertThat(e.reason())
                        .isEqualTo("EMAIL_SEND_IN_PROGRESS"));
        assertThat(calls.get() - before).isEqualTo(1);
    }

    @Test
    void provision_whenTheAddressIsUnverified_createsTheAccountWithoutCallingSesUnlessTold() {
        AccountStore store = new AccountStore(dynamoDbLocal.client(List.of()), LocalDynamoDb.TABLE);
        var verified = Messages.confirmed("unverified");
        var unverifiedMessage = new dev.provisioning.common.UserConfirmed(
                verified.schemaVersion(),
                verified.messageId(),
                verified.idempotencyKey(),
                verified.userPoolId(),
                verified.userName(),
                verified.sub(),
                verified.email(),
                false,
                verified.name(),
                verified.triggerSource(),
                verified.confirmedAt(),
                verified.region(),
                verified.clientId(),
                verified.clientMetadata());
        int before = calls.get();

        ProvisioningResult result = new AccountProvisioner(
                        store,
                        new WelcomeEmailSender(ses(), "no-reply@example.com"),
                        Optional.empty(),
                        Clock.systemUTC(),
                        LEASE,
                        ProvisioningMetrics.disabled(),
                        UnverifiedEmail.SKIP)
                .provision(unverifiedMessage);

        assertThat(result.accountCreated()).isTrue();
        assertThat(result.emailSent()).isFalse();
        assertThat(calls.get()).as("SES never called").isEqualTo(before);
        Map<String, AttributeValue> item = dynamoDbLocal
                .client(List.of())
                .getItem(b -> b.tableName(LocalDynamoDb.TABLE)
                        .key(Map.of(AccountItem.KEY, AttributeValue.fromS(unverifiedMessage.idempotencyKey()))))
                .item();
        assertThat(item.get("emailState").s()).isEqualTo("NOT_APPLICABLE");
        assertThat(item.get("emailSkipped").s()).isEqualTo("UNVERIFIED");

        var optedIn = new AccountProvisioner(
                store,
                new WelcomeEmailSender(ses(), "no-reply@example.com"),
                Optional.empty(),
                Clock.systemUTC(),
                LEASE,
                ProvisioningMetrics.disabled(),
                UnverifiedEmail.SEND);
        var other = Messages.confirmed("unverified-opted-in");
        var otherUnverified = new dev.provisioning.common.UserConfirmed(
                other.schemaVersion(),
                other.messageId(),
                other.idempotencyKey(),
                other.userPoolId(),
                other.userName(),
                other.sub(),
                other.email(),
                false,
                other.name(),
                other.triggerSource(),
                other.confirmedAt(),
                other.region(),
                other.clientId(),
                other.clientMetadata());
        assertThatThrownBy(() -> optedIn.provision(otherUnverified)).isInstanceOf(TransientFailureException.class);
        assertThat(calls.get())
                .as("with WELCOME_EMAIL_UNVERIFIED=send, SES is called")
                .isEqualTo(before + 1);
    }
}
