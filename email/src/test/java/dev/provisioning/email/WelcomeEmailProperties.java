package dev.provisioning.email;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;

/** Whatever name a user chose, it cannot change the email's structure: no markup, no header, no extra line. */
class WelcomeEmailProperties {

    private static final WelcomeEmailTemplates TEMPLATES =
            WelcomeEmailTemplates.load(new Brand("Acme", "https://app.example.com/", ""), "en");

    @Property
    void anyName_leavesTheStructureOfEveryPartAlone(
            @ForAll @StringLength(max = 300) String name, @ForAll("locales") String locale) {
        WelcomeEmail email = TEMPLATES.render(name, locale);
        WelcomeEmail plain = TEMPLATES.render("Ann", locale);

        assertThat(email.subject().codePoints()).noneMatch(Character::isISOControl);
        assertThat(count(email.html(), '<')).isEqualTo(count(plain.html(), '<'));
        assertThat(count(email.html(), '"')).isEqualTo(count(plain.html(), '"'));
        assertThat(email.text().lines().count()).isEqualTo(plain.text().lines().count());
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<String> locales() {
        return net.jqwik.api.Arbitraries.of("en", "de", "de-AT", "fr", "", "x_Y");
    }

    private static long count(String text, char c) {
        return text.chars().filter(ch -> ch == c).count();
    }
}
