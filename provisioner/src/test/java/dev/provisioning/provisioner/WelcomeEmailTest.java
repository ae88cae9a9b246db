package dev.provisioning.provisioner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WelcomeEmailTest {

    @Test
    void forName_whenNameHasHtml_escapesItInHtmlPart() {
        WelcomeEmail email = WelcomeEmail.forName("<script>alert('x')</script> & \"Bob\"");

        assertThat(email.html())
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Bob&quot;")
                .doesNotContain("<script>");
    }

    @Test
    void forName_whenNameHasCrLf_subjectIsOneLine() {
        WelcomeEmail email = WelcomeEmail.forName("Eve\r\nBcc: victim@example.com");

        assertThat(email.subject()).doesNotContain("\r").doesNotContain("\n").startsWith("Welcome aboard, Eve");
    }

    @Test
    void forName_whenNameEmpty_greetsWithoutName() {
        WelcomeEmail email = WelcomeEmail.forName("  ");

        assertThat(email.subject()).isEqualTo("Welcome aboard!");
        assertThat(email.text()).startsWith("Welcome, there!");
    }

    @Test
    void forName_whenNameHuge_capsTheSubject() {
        WelcomeEmail email = WelcomeEmail.forName("x".repeat(2048));

        assertThat(email.subject()).hasSizeLessThan(100);
    }

    @Test
    void forName_whenNonAsciiName_keepsIt() {
        assertThat(WelcomeEmail.forName("Zoë Ørsted 李").html()).contains("Zoë Ørsted 李");
    }
}
