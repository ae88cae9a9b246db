package dev.provisioning.provisioner;

import dev.provisioning.common.EmailAddresses;
import dev.provisioning.email.Brand;
import dev.provisioning.email.WelcomeEmail;
import dev.provisioning.email.WelcomeEmailTemplates;
import java.util.Locale;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.Body;
import software.amazon.awssdk.services.ses.model.Content;
import software.amazon.awssdk.services.ses.model.Destination;
import software.amazon.awssdk.services.ses.model.Message;
import software.amazon.awssdk.services.ses.model.SendEmailRequest;

/**
 * Sends one welcome email through SES (the v1 {@code ses} API), rendered from the templates in the user's locale, and
 * returns SES's message id. Every send names the configuration set, when there is one, so SES reports its bounces
 * and complaints to the set's event destination.
 */
final class WelcomeEmailSender {

    private final SesClient ses;
    private final String senderAddress;
    private final WelcomeEmailTemplates templates;
    private final Optional<String> configurationSet;

    WelcomeEmailSender(
            SesClient ses, String senderAddress, WelcomeEmailTemplates templates, Optional<String> configurationSet) {
        this.ses = ses;
        this.senderAddress = senderAddress;
        this.templates = templates;
        this.configurationSet = configurationSet;
    }

    /** The shipped templates in English by default, with no product name and no configuration set. */
    WelcomeEmailSender(SesClient ses, String senderAddress) {
        this(ses, senderAddress, WelcomeEmailTemplates.load(Brand.none(), "en"), Optional.empty());
    }

    /**
     * Whether SES refused a send because our sender identity is not verified: a fault of the deployment that every
     * send hits, not of the user (SES names the identities that failed its check, and ours is among them).
     */
    boolean isSenderNotVerified(AwsServiceException e) {
        return "MessageRejected".equals(errorCode(e))
                && errorText(e).contains("not verified")
                && errorText(e).toLowerCase(Locale.ROOT).contains(senderAddress.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether SES refused this one message for its recipient: {@code MessageRejected} for anything but our own
     * sender (an address on SES's suppression list, a recipient the sandbox has not verified). Sending again gets the
     * same answer, so the user's email is given up, not retried; the account stays.
     */
    boolean isRecipientRefused(AwsServiceException e) {
        return "MessageRejected".equals(errorCode(e)) && !isSenderNotVerified(e);
    }

    /** SES's error code and message, with any address redacted: safe for the account item and the logs. */
    static String describeRefusal(AwsServiceException e) {
        return errorCode(e) + ": " + FailureClassifier.redact(errorText(e));
    }

    String send(String toAddress, String name, String locale) {
        WelcomeEmail email = templates.render(name, locale);
        return ses.sendEmail(SendEmailRequest.builder()
                        .source(senderAddress)
                        .destination(Destination.builder()
                                .toAddresses(EmailAddresses.withAsciiDomain(toAddress))
                                .build())
                        .message(Message.builder()
                                .subject(utf8(email.subject()))
                                .body(Body.builder()
                                        .html(utf8(email.html()))
                                        .text(utf8(email.text()))
                                        .build())
                                .build())
                        .configurationSetName(configurationSet.orElse(null))
                        .build())
                .messageId();
    }

    private static String errorCode(AwsServiceException e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static String errorText(AwsServiceException e) {
        return String.valueOf(
                e.awsErrorDetails() == null
                        ? e.getMessage()
                        : e.awsErrorDetails().errorMessage());
    }

    private static Content utf8(String data) {
        return Content.builder().charset("UTF-8").data(data).build();
    }
}
