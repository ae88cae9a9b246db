package dev.provisioning.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.kms.Key;
import software.amazon.awscdk.services.ses.ConfigurationSet;
import software.amazon.awscdk.services.ses.ConfigurationSetEventDestinationOptions;
import software.amazon.awscdk.services.ses.EmailSendingEvent;
import software.amazon.awscdk.services.ses.EventDestination;
import software.amazon.awscdk.services.ses.SuppressionReasons;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * The welcome email's sender reputation: the SES configuration set every send names, which suppresses addresses that
 * bounced or complained and publishes BOUNCE and COMPLAINT events to an encrypted SNS topic (subscribe a queue,
 * an email or a ticketing hook to it). SES reviews an account at a 5% bounce or 0.1% complaint rate and pauses it at
 * 10% / 0.5%, so these are the signals to watch.
 */
final class EmailReputation extends Construct {

    /** The event destination's name, which {@code doctor} looks for. */
    static final String EVENT_DESTINATION = "bounces-and-complaints";

    private final ConfigurationSet configurationSet;
    private final Topic feedbackTopic;

    EmailReputation(Construct scope, String id) {
        super(scope, id);
        // SES publishes to an encrypted topic only with a customer managed key whose policy lets it use the key.
        Key key = Key.Builder.create(this, "FeedbackKey")
                .description("Encrypts the SES bounce and complaint events of the welcome email")
                .enableKeyRotation(true)
                .build();
        key.addToResourcePolicy(PolicyStatement.Builder.create()
                .principals(List.of(new ServicePrincipal("ses.amazonaws.com")))
                .actions(List.of("kms:GenerateDataKey*", "kms:Decrypt"))
                .resources(List.of("*"))
                // Only SES acting for this account (no confused deputy).
                .conditions(Map.of(
                        "StringEquals",
                        Map.of("aws:SourceAccount", Stack.of(this).getAccount())))
                .build());
        feedbackTopic = Topic.Builder.create(this, "FeedbackTopic")
                .displayName("Welcome email bounces and complaints")
                .masterKey(key)
                .enforceSsl(true)
                .build();
        configurationSet = ConfigurationSet.Builder.create(this, "ConfigurationSet")
                .suppressionReasons(SuppressionReasons.BOUNCES_AND_COMPLAINTS)
                .reputationMetrics(true)
                .build();
        // CDK grants SES publish on the topic (a topic policy scoped to this account's configuration set).
        configurationSet.addEventDestination(
                "BouncesAndComplaints",
                ConfigurationSetEventDestinationOptions.builder()
                        .configurationSetEventDestinationName(EVENT_DESTINATION)
                        .destination(EventDestination.snsTopic(feedbackTopic))
                        .events(List.of(EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT))
                        .build());
    }

    ConfigurationSet configurationSet() {
        return configurationSet;
    }

    Topic feedbackTopic() {
        return feedbackTopic;
    }
}
