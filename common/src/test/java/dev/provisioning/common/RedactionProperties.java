package dev.provisioning.common;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** No part of an address that {@link EmailAddresses#isPlausible} accepts survives {@link EmailAddresses#redact}. */
class RedactionProperties {

    @Provide
    Arbitrary<String> addresses() {
        return CognitoArbitraries.emails(false).filter(EmailAddresses::isPlausible);
    }

    @Provide
    Arbitrary<String> surroundings() {
        return CognitoArbitraries.text(80, true);
    }

    @Property
    void redact_forAnyTextHoldingAPlausibleAddress_leavesNoPartOfIt(
            @ForAll("surroundings") String before,
            @ForAll("addresses") String address,
            @ForAll("surroundings") String after) {
        String separator = " ";
        String text = before + separator + address + separator + after;
        String redacted = EmailAddresses.redact(text);

        assertThat(redacted).doesNotContain(address);
        int at = address.indexOf('@');
        String local = address.substring(0, at);
        String domain = address.substring(at + 1);
        // Neither half may survive next to where the address stood (the surroundings may hold the same text).
        assertThat(redacted).doesNotContain(separator + local + "@");
        assertThat(redacted).doesNotContain("@" + domain + separator);
        assertThat(redacted).contains("<redacted-email>");
    }

    @Property
    void redact_forAnAddressGluedToAnyText_leavesNoPartOfIt(
            @ForAll("surroundings") String before, @ForAll("addresses") String address) {
        Assume.that(!before.contains(address));
        String text = before + address;

        assertThat(EmailAddresses.redact(text)).doesNotContain(address);
    }
}
