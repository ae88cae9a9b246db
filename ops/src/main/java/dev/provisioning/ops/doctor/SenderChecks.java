package dev.provisioning.ops.doctor;

import dev.provisioning.common.EmailAddresses;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.ConfigurationSetAttribute;
import software.amazon.awssdk.services.ses.model.ConfigurationSetDoesNotExistException;
import software.amazon.awssdk.services.ses.model.EventDestination;
import software.amazon.awssdk.services.ses.model.EventType;
import software.amazon.awssdk.services.ses.model.IdentityVerificationAttributes;
import software.amazon.awssdk.services.ses.model.VerificationStatus;

/**
 * Check 6: a verified SES identity (the address, its domain or a parent domain) covers the sender, and the
 * configuration set every send names exists and reports bounces and complaints somewhere.
 */
final class SenderChecks {

    private final SesClient ses;

    SenderChecks(SesClient ses) {
        this.ses = ses;
    }

    /**
     * The configuration set exists (a send naming a missing one is refused, so every email would fail) and has an
     * enabled event destination for both BOUNCE and COMPLAINT (without it nobody learns of a rising bounce rate
     * before SES pauses the account).
     */
    void checkConfigurationSet(Target target, List<Check> checks) {
        if (target.configurationSet().isEmpty()) {
            checks.add(Check.skip(
                    "ses.configuration-set", "skipped: --configuration-set (SES_CONFIGURATION_SET) would enable it"));
            return;
        }
        String name = target.configurationSet().get();
        List<EventDestination> destinations;
        try {
            destinations = ses.describeConfigurationSet(r -> r.configurationSetName(name)
                            .configurationSetAttributeNames(ConfigurationSetAttribute.EVENT_DESTINATIONS))
                    .eventDestinations();
        } catch (ConfigurationSetDoesNotExistException e) {
            checks.add(Check.fail(
                    "ses.configuration-set",
                    "configuration set " + name + " does not exist: SES refuses every send that names it",
                    "deploy the stack (it creates the set), or point SES_CONFIGURATION_SET at an existing one"));
            return;
        } catch (SdkException e) {
            checks.add(Check.couldNotCheck("ses.configuration-set", e));
            return;
        }
        Optional<EventDestination> feedback = destinations.stream()
                .filter(d -> d != null
                        && Boolean.TRUE.equals(d.enabled())
                        && d.matchingEventTypes().contains(EventType.BOUNCE)
                        && d.matchingEventTypes().contains(EventType.COMPLAINT))
                .findFirst();
        if (feedback.isPresent()) {
            EventDestination destination = feedback.get();
            String where = destination.snsDestination() != null
                    ? "SNS topic " + destination.snsDestination().topicARN()
                    : "a non-SNS destination";
            checks.add(Check.ok(
                    "ses.configuration-set",
                    "configuration set " + name + " publishes bounces and complaints (" + destination.name() + ") to "
                            + where));
        } else {
            checks.add(Check.fail(
                    "ses.configuration-set",
                    "configuration set " + name + " has no enabled event destination for both BOUNCE and COMPLAINT:"
                            + " a rising bounce or complaint rate goes unseen until SES pauses sending",
                    "deploy the stack (EmailReputation adds it), or add one: aws ses"
                            + " create-configuration-set-event-destination --configuration-set-name " + name));
        }
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
