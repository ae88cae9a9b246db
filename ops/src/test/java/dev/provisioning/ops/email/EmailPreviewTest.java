package dev.provisioning.ops.email;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.Settings;
import dev.provisioning.ops.OpsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code email preview} prints what the provisioner would send, without AWS settings. */
class EmailPreviewTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void preview_whenGermanAndNameIsMarkup_printsTheGermanSubjectAndAnEscapedHtmlPart() {
        int code = run(Map.of(), "email", "preview", "--locale", "de", "--name", "<b>Ann</b>");

        assertThat(code).as(err()).isZero();
        String html = out().substring(out().indexOf("--- html ---"), out().indexOf("--- text ---"));
        assertThat(out()).contains("locale: de").contains("subject: Willkommen an Bord, <b>Ann</b>!");
        assertThat(html).contains("Willkommen, &lt;b&gt;Ann&lt;/b&gt;!").doesNotContain("<b>");
    }

    @Test
    void preview_whenRegionalLocaleAndBrandFromTheEnvironment_fallsBackAndShowsTheBrand() {
        int code = run(
                Map.of("WELCOME_EMAIL_PRODUCT_NAME", "Acme", "WELCOME_EMAIL_SIGN_IN_URL", "https://app.example.com/"),
                "email",
                "preview",
                "--locale",
                "de-AT");

        assertThat(code).as(err()).isZero();
        assertThat(out())
                .contains("locale: de (for de-AT")
                .contains("subject: Willkommen bei Acme, Ann!")
                .contains("href=\"https://app.example.com/\"");
    }

    @Test
    void preview_whenNoLocale_usesTheDefault() {
        assertThat(run(Map.of(), "email", "preview", "--product-name", "Acme")).isZero();

        assertThat(out()).contains("locale: en (the default)").contains("subject: Welcome to Acme, Ann!");
    }

    @Test
    void preview_whenOut_writesTheHtmlPart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("welcome.html");

        assertThat(run(Map.of(), "email", "preview", "--out", file.toString())).isZero();

        assertThat(Files.readString(file)).startsWith("<!DOCTYPE html>").contains("<h1>Welcome, Ann!</h1>");
        assertThat(err()).contains("wrote the HTML part to");
    }

    @Test
    void preview_whenTheDefaultLocaleHasNoTemplates_saysSoAndExitsOne() {
        assertThat(run(Map.of(), "email", "preview", "--default-locale", "fr")).isEqualTo(1);

        assertThat(err()).contains("'fr' has no templates");
    }

    private int run(Map<String, String> environment, String... args) {
        return OpsCli.create(Settings.of(environment))
                .run(
                        List.of(args),
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
