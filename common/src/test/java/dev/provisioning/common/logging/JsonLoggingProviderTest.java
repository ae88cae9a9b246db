package dev.provisioning.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;

class JsonLoggingProviderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final BasicMDCAdapter mdc = new BasicMDCAdapter();
    private final JsonLoggingProvider.Factory factory = JsonLoggingProvider.Factory.writingTo(
            new PrintStream(bytes, true, StandardCharsets.UTF_8), Level.INFO, mdc);

    @Test
    void info_whenCorrelationFieldsAreSet_writesOneJsonLineWithThem() throws Exception {
        mdc.put(LogContext.REQUEST_ID, "req-1");
        mdc.put(LogContext.MESSAGE_ID, "msg-1");
        mdc.put(LogContext.POOL_ID, "us-east-1_abc");
        mdc.put(LogContext.SUB, "sub-1");

        factory.getLogger("dev.provisioning.Test").info("Provisioned accountId={} created={}", "p#s", true);

        List<JsonNode> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode line = lines.get(0);
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("logger").asText()).isEqualTo("dev.provisioning.Test");
        assertThat(line.path("message").asText()).isEqualTo("Provisioned accountId=p#s created=true");
        assertThat(line.path("requestId").asText()).isEqualTo("req-1");
        assertThat(line.path("messageId").asText()).isEqualTo("msg-1");
        assertThat(line.path("poolId").asText()).isEqualTo("us-east-1_abc");
        assertThat(line.path("sub").asText()).isEqualTo("sub-1");
        assertThat(line.path("timestamp").asText()).isNotEmpty();
    }

    @Test
    void info_whenNoContext_writesCorrelationFieldsAsNull() throws Exception {
        factory.getLogger("x").info("hello");

        JsonNode line = lines().get(0);
        assertThat(line.has("requestId")).isTrue();
        assertThat(line.path("requestId").isNull()).isTrue();
        assertThat(line.path("sub").isNull()).isTrue();
    }

    @Test
    void error_whenMessageAndThrowableQuoteAnAddress_redactsIt() throws Exception {
        Logger log = factory.getLogger("x");

        log.error(
                "Send to Jane.Doe@Example.com failed, also jane.doe%40example.com",
                new IllegalStateException("Email address is not verified: jane.doe@example.com"));

        String text = bytes.toString(StandardCharsets.UTF_8);
        assertThat(text).doesNotContainIgnoringCase("jane.doe@example.com").doesNotContainIgnoringCase("%40example");
        JsonNode line = lines().get(0);
        assertThat(line.path("message").asText()).contains("<redacted-email>");
        assertThat(line.path("error").asText()).startsWith("java.lang.IllegalStateException: ");
        assertThat(line.path("stack").isArray()).isTrue();
    }

    @Test
    void debug_whenLevelIsInfo_writesNothing() {
        factory.getLogger("x").debug("hidden");

        assertThat(bytes.size()).isZero();
    }

    @Test
    void info_whenLoggerIsALibrary_isHeldToWarn() {
        factory.getLogger("software.amazon.awssdk.request").info("chatty");
        factory.getLogger("io.micrometer.cloudwatch2.CloudWatchMeterRegistry").warn("kept");

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .doesNotContain("chatty")
                .contains("kept");
    }

    @Test
    void message_whenItContainsQuotesAndNewlines_staysOneLine() throws Exception {
        factory.getLogger("x").warn("line one\nline \"two\"");

        assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(1);
        assertThat(lines().get(0).path("message").asText()).isEqualTo("line one\nline \"two\"");
    }

    @Test
    void level_whenNameIsUnknown_defaultsToInfo() {
        assertThat(JsonLoggingProvider.level("verbose")).isEqualTo(Level.INFO);
        assertThat(JsonLoggingProvider.level("debug")).isEqualTo(Level.DEBUG);
    }

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new java.util.ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).lines().toList()) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
