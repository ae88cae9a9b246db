package dev.provisioning.ops.doctor;

import dev.provisioning.common.EmailAddresses;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.IdentityVerificationAttributes;
import software.amazon.awssdk.services.ses.model.VerificationStatus;

/** Check 6: a verified SES identity (the address, its domain or a parent domain) covers the sender. */
final class SenderChecks {

    private final SesClient ses;

    SenderChecks(SesClient ses) {
        this.ses = ses;
    }

    void check(Target target, List<Check> checks) {
        if (target.sender().isEmpty()) {
            checks.add(Check.skip("ses.sender", "skipped: --sender (SENDER_ADDRESS) would enable it"));
            return;
        }
        String sender = target.sender().get();
        List<String> identities = EmailAddresses.senderIdentities(sender);
        Map<String, IdentityVerificationAttributes> attributes;
        try {
            attributes = ses.getIdentityVerificationAttributes(r -> r.identities(identities))
                    .verificationAttributes();
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck("ses.sender", e));
            return;
        }
        // SES uses the most specific verified identity: the address, else its domain, else a parent domain.
        Optional<String> verified = identities.stream()
                .filter(id -> attributes.containsKey(id)
                        && attributes.get(id).verificationStatus() == VerificationStatus.SUCCESS)
                .findFirst();
        String statuses = identities.stream()
                .map(id -> id + ": "
                        + (attributes.containsKey(id)
                                ? attributes.get(id).verificationStatusAsString()
                                : "not an identity"))
                .collect(Collectors.joining(", "));
        if (verified.isPresent()) {
            String identity = verified.get();
            checks.add(Check.ok(
                    "ses.sender",
                    "sends from " + sender + " use the verified " + (identity.contains("@") ? "address" : "domain")
                            + " identity " + identity + " (the role needs ses:SendEmail on identity/" + identity
                            + "; " + statuses + ")"));
        } else {
            String domain = sender.substring(sender.lastIndexOf('@') + 1);
            checks.add(Check.fail(
                    "ses.sender",
                    "no verified SES identity for " + sender + " (" + statuses + "): every welcome email fails",
                    "aws ses verify-email-identity --email-address " + sender
                            + " (then click the link), or verify the domain: aws ses verify-domain-identity --domain "
                            + domain));
        }
    }
}
