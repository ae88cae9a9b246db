package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmailAddressesTest {

    @Test
    void isPlausible_whenOrdinaryOrNonAsciiAddress_accepts() {
        assertThat(EmailAddresses.isPlausible("ada@example.com")).isTrue();
        assertThat(EmailAddresses.isPlausible("zoë@exämple.de")).isTrue();
    }

    @Test
    void isPlausible_whenControlCharactersOrNoDomain_rejects() {
        assertThat(EmailAddresses.isPlausible("ada@example.com\r\nBcc: evil")).isFalse();
        assertThat(EmailAddresses.isPlausible("ada@exam\u0000ple.com")).isFalse();
        assertThat(EmailAddresses.isPlausible("ada lovelace@example.com")).isFalse();
        assertThat(EmailAddresses.isPlausible("ada@localhost")).isFalse();
        assertThat(EmailAddresses.isPlausible("@example.com")).isFalse();
        assertThat(EmailAddresses.isPlausible("a@b@example.com")).isFalse();
    }

    @Test
    void redact_whenAddressesInServiceText_leavesNoPartOfThem() {
        String text = "Email address is not verified: o'brien@example.com, a/b@x.org and ada%40example.com in"
                + " token 'zoë@exämple.de'";

        assertThat(EmailAddresses.redact(text))
                .doesNotContain("brien", "o'", "a/b", "ada", "zoë", "example")
                .contains("<redacted-email>");
        assertThat(EmailAddresses.redact("no address here")).isEqualTo("no address here");
    }

    @Test
    void fingerprint_whenSameAddressDifferentCase_isStableAndHidesTheAddress() {
        assertThat(EmailAddresses.fingerprint("Ada@Example.com"))
                .isEqualTo(EmailAddresses.fingerprint("ada@example.com"))
                .doesNotContain("ada")
                .startsWith("sha256:");
    }

    @Test
    void withAsciiDomain_whenInternationalisedDomain_usesPunycode() {
        assertThat(EmailAddresses.withAsciiDomain("zoe@exämple.com")).isEqualTo("zoe@xn--exmple-cua.com");
        assertThat(EmailAddresses.withAsciiDomain("ada@example.com")).isEqualTo("ada@example.com");
    }

    @Test
    void senderIdentities_whenAddressIsOnASubdomain_listsAddressDomainAndParentDomains() {
        assertThat(EmailAddresses.senderIdentities("no-reply@mail.example.co.uk"))
                .containsExactly("no-reply@mail.example.co.uk", "mail.example.co.uk", "example.co.uk", "co.uk");
        assertThat(EmailAddresses.senderIdentities("a@example.com")).containsExactly("a@example.com", "example.com");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"\"john..doe\"@example.com", "user(comment)@example.com", "admin@[192.0.2.1]", "a\"b@example.org"
            })
    void redact_whenAPlausibleAddressHasQuotesCommentsOrADomainLiteral_leavesNothingOfIt(String address) {
        assertThat(EmailAddresses.isPlausible(address)).isTrue();

        String redacted = EmailAddresses.redact("SES said: " + address + " is not verified");

        assertThat(redacted).isEqualTo("SES said: <redacted-email> is not verified");
    }
}
