package dev.provisioning.provisioner;

import dev.provisioning.common.EmailAddresses;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.ses.model.Body;
import software.amazon.awssdk.services.ses.model.Content;
import software.amazon.awssdk.services.ses.model.Destination;
import software.amazon.awssdk.services.ses.model.Message;
import software.amazon.awssdk.services.ses.model.SendEmailRequest;

/** Sends one welcome email through SES (the v1 {@code ses} API) and returns SES's message id. */
final class WelcomeEmailSender {

    private final SesClient ses;
    private final String senderAddress;

    WelcomeEmailSender(SesClient ses, String senderAddress) {
        this.ses = ses;
        this.senderAddress = senderAddress;
    }

    /**
     * Whether SES refused a send because our sender identity is not verified: a fault of the deployment that every
     * send hits, not of the user (SES names the identities that failed its check, and ours is among them).
     */
    boolean isSenderNotVerified(software.amazon.awssdk.awscore.exception.AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String text = String.valueOf(
                e.awsErrorDetails() == null
                        ? e.getMessage()
                        : e.awsErrorDetails().errorMessage());
        return "MessageRejected".equals(code)
                && text.contains("not verified")
                && text.toLowerCase(java.util.Locale.ROOT).contains(senderAddress.toLowerCase(java.util.Locale.ROOT));
    }

    String send(String toAddress, String name) {
        WelcomeEmail email = WelcomeEmail.forName(name);
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
                        .build())
                .messageId();
    }

    private static Content utf8(String data) {
        return Content.builder().charset("UTF-8").data(data).build();
    }
}
