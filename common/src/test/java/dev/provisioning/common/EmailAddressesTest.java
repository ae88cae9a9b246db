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
        assertThat(EmailAddresses.isPlausible("ada@example.com\r\nBcc: x@y.z")).isFalse();
        assertThat(EmailAddresses.isPlausible("ada@localhost")).isFalse();
        assertThat(EmailAddresses.isPlausible("@example.com")).isFalse();
        assertThat(EmailAddresses.isPlausible("a@b@example.com")).isFalse();
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
}
