package dev.provisioning.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class WelcomeEmailTemplatesTest {

    private static final Brand ACME = new Brand("Acme", "https://app.example.com/sign-in", "https://example.com/help");

    private final WelcomeEmailTemplates templates = WelcomeEmailTemplates.load(ACME, "en");

    @Test
    void load_shippedTemplates_everyFolderIsListedAndEveryListedLocaleLoads() throws IOException {
        Path root = Path.of("src/main/resources", WelcomeEmailTemplates.ROOT);
        try (Stream<Path> folders = Files.list(root)) {
            assertThat(folders.filter(Files::isDirectory)
                            .map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(templates.locales());
        }
        assertThat(templates.locales()).contains("en", "de");
    }

    @Test
    void render_whenGermanAndNameIsMarkup_germanSubjectAndEscapedHtml() {
        WelcomeEmail email = templates.render("<b>Ann</b>", "de");

        assertThat(email.locale()).isEqualTo("de");
        assertThat(email.subject()).isEqualTo("Willkommen bei Acme, <b>Ann</b>!");
        assertThat(email.html())
                .contains("<h1>Willkommen, &lt;b&gt;Ann&lt;/b&gt;!</h1>")
                .contains("<a href=\"https://app.example.com/sign-in\">Anmelden</a>")
                .doesNotContain("<b>Ann");
        assertThat(email.text())
                .contains("Willkommen, <b>Ann</b>!")
                .contains("Anmelden: https://app.example.com/sign-in");
    }

    @Test
    void render_whenNameHasQuotesAndAmpersand_escapesEachInHtml() {
        String html =
                templates.render("<script>alert('x')</script> & \"Bob\"", "en").html();

        assertThat(html)
                .doesNotContain("<script>")
                .contains("&lt;script&gt;alert(")
                .contains("&amp;");
        assertThat(html).doesNotContain("'x'").doesNotContain("\"Bob\"");
    }

    @Test
    void render_whenNameHasCrLf_subjectIsOneLineAndTextGetsNoLine() {
        WelcomeEmail email = templates.render("Eve\r\nBcc: victim@example.com", "en");

        assertThat(email.subject()).doesNotContain("\r", "\n").startsWith("Welcome to Acme, Eve");
        assertThat(email.text().lines()).noneMatch(line -> line.startsWith("Bcc:"));
    }

    @Test
    void render_whenNameEmpty_greetsWithoutName() {
        WelcomeEmail email = templates.render("  ", "en");

        assertThat(email.subject()).isEqualTo("Welcome to Acme!");
        assertThat(email.text()).startsWith("Welcome!\n");
    }

    @Test
    void render_whenNoBrand_genericWordingAndNoLinks() {
        WelcomeEmail email = WelcomeEmailTemplates.load(Brand.none(), "en").render("Ann", "en");

        assertThat(email.subject()).isEqualTo("Welcome aboard, Ann!");
        assertThat(email.html()).doesNotContain("<a ").contains("Your account is ready.");
        assertThat(email.text()).doesNotContain("Sign in:");
    }

    @Test
    void render_whenNameHuge_capsTheNameInTheSubjectOnly() {
        WelcomeEmail email = templates.render("x".repeat(2048), "en");

        assertThat(email.subject()).contains("x".repeat(64) + "…").doesNotContain("x".repeat(65));
        assertThat(email.html()).contains("x".repeat(2048));
    }

    @Test
    void render_whenNameHasSupplementaryCharacters_capDoesNotSplitThem() {
        String subject = templates.render("😀".repeat(100), "en").subject();

        assertThat(subject).contains("😀".repeat(64) + "…");
    }

    @Test
    void resolve_fallsBackByLanguageThenToTheDefault() {
        assertThat(templates.resolve("de")).isEqualTo("de");
        assertThat(templates.resolve("de-AT")).isEqualTo("de");
        assertThat(templates.resolve("DE_at")).isEqualTo("de");
        assertThat(templates.resolve("de-Latn-AT-x-private")).isEqualTo("de");
        assertThat(templates.resolve("fr-FR")).isEqualTo("en");
        assertThat(templates.resolve(null)).isEqualTo("en");
        assertThat(templates.resolve("")).isEqualTo("en");
        assertThat(templates.resolve("-")).isEqualTo("en");
        assertThat(WelcomeEmailTemplates.load(ACME, "de").resolve("fr")).isEqualTo("de");
    }

    @Test
    void load_whenDefaultLocaleHasNoTemplates_failsNamingIt() {
        assertThatThrownBy(() -> WelcomeEmailTemplates.load(ACME, "fr"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("'fr'")
                .hasMessageContaining("en, de");
    }

    @Test
    void load_whenTemplateUsesUnknownVariable_failsNamingFileAndVariable() {
        assertThatThrownBy(() -> load("bad-variable"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("bad-variable/en/html.mustache")
                .hasMessageContaining("{{email}}");
    }

    @Test
    void load_whenTemplateDoesNotParse_failsNamingFile() {
        assertThatThrownBy(() -> load("bad-parse"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("bad-parse/en/text.mustache: does not parse");
    }

    @Test
    void load_whenTemplateUsesPartial_fails() {
        assertThatThrownBy(() -> load("bad-partial"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("{{>footer}}");
    }

    @Test
    void load_whenFileMissing_failsNamingIt() {
        assertThatThrownBy(() -> load("bad-missing"))
                .isInstanceOf(InvalidTemplateException.class)
                .hasMessageContaining("bad-missing/en/text.mustache: missing");
    }

    private static WelcomeEmailTemplates load(String root) {
        return WelcomeEmailTemplates.load(WelcomeEmailTemplatesTest.class.getClassLoader(), root, ACME, "en");
    }
}
