package dev.provisioning.local.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MotoServerTest {

    @Test
    void sentEmails_fromMotosState_readsTheSesMessagesInOrderAndSkipsEverythingElse() throws IOException {
        String data = """
                {"cloudwatch": {"MetricDatum": [{"name": "Provisioned", "dimensions": [{"name": "Message",
                    "value": "x"}], "value": 1.0}]},
                 "ses": {"ConfigurationSet": [{"configuration_set_name": "Message"}],
                         "Message": [
                           {"id": "m-1", "source": "no-reply@example.com",
                            "destinations": {"ToAddresses": ["ada@example.com"], "CcAddresses": []},
                            "subject": "Welcome", "body": "<p>Hi Ada</p>", "extra": {"nested": [1, 2]}},
                           {"id": "m-2", "source": "no-reply@example.com",
                            "destinations": {"ToAddresses": ["grace@example.com", "alan@example.com"]},
                            "subject": "Willkommen", "body": "<p>Hallo</p>"}],
                         "SESQuota": []},
                 "secretsmanager": {"FakeSecret": []}}
                """;

        List<MotoServer.SentEmail> emails =
                MotoServer.sentEmails(new ByteArrayInputStream(data.getBytes(StandardCharsets.UTF_8)));

        assertThat(emails)
                .containsExactly(
                        new MotoServer.SentEmail(
                                "m-1", "no-reply@example.com", List.of("ada@example.com"), "Welcome", "<p>Hi Ada</p>"),
                        new MotoServer.SentEmail(
                                "m-2",
                                "no-reply@example.com",
                                List.of("grace@example.com", "alan@example.com"),
                                "Willkommen",
                                "<p>Hallo</p>"));
    }

    @Test
    void sentEmails_whenNoEmailWasSent_isEmpty() throws IOException {
        assertThat(MotoServer.sentEmails(
                        new ByteArrayInputStream("{\"ses\": {}, \"cloudwatch\": {}}".getBytes(StandardCharsets.UTF_8))))
                .isEmpty();
    }

    @Test
    void sentEmails_whenNotAnObject_throws() {
        assertThatThrownBy(() -> MotoServer.sentEmails(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IOException.class);
    }
}
