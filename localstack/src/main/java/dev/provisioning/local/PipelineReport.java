package dev.provisioning.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.provisioning.common.AccountItem;
import dev.provisioning.common.DeadLetterAttributes;
import dev.provisioning.common.EmailAddresses;
import dev.provisioning.local.aws.LocalAws;
import dev.provisioning.local.aws.MotoServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The end state of a local run, read from the emulators themselves (Cognito's confirmed users,
 * the accounts table, moto's sent mail, the dead-letter queue), never from the functions' own
 * counters: this is the proof that nothing was lost or doubled.
 *
 * @param confirmed users Cognito lists as CONFIRMED
 * @param provisioned confirmed users with an account item
 * @param emailed confirmed users with at least one welcome email
 * @param deadLettered messages on the dead-letter queue
 * @param lost confirmed users with neither an account nor a dead-letter message
 * @param duplicateAccounts account items beyond one per confirmed user (always 0 by key design)
 * @param duplicateEmails welcome emails beyond one per confirmed user
 * @param duplicateEmailsOutsideWindow duplicate emails beyond the account's {@code emailTakeovers}
 *     (sends claimed again after an expired claim): duplicates the documented window cannot explain
 *     (must be 0)
 * @param poisonDeadLettered distinct poison messages (by id) found on the dead-letter queue
 * @param poisonReceivedOnce whether every one of those was dead-lettered on its first receive (a
 *     crash after the dead-letter send may add a later copy; the first copy counts)
 */
public record PipelineReport(
        int confirmed,
        int provisioned,
        int emailed,
        int deadLettered,
        int lost,
        int duplicateAccounts,
        int duplicateEmails,
        int duplicateEmailsOutsideWindow,
        int poisonDeadLettered,
        boolean poisonReceivedOnce) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A confirmed user as Cognito lists them. */
    public record ConfirmedUser(String sub, String email) {}

    /** Subs of the users whose confirmation is on the dead-letter queue. */
    static Set<String> deadLetteredSubs(LocalPipeline pipeline) {
        Set<String> subs = new HashSet<>();
        for (Message message : peekAll(pipeline.aws(), pipeline.resources().deadLetterQueueUrl())) {
            sub(message.body()).ifPresent(subs::add);
        }
        return subs;
    }

    public static PipelineReport read(LocalPipeline pipeline, List<ConfirmedUser> confirmedUsers) {
        return read(pipeline, confirmedUsers, Set.of());
    }

    /**
     * Reads the end state.
     *
     * @param poisonMessageIds ids of malformed messages the run put on the queue on purpose
     */
    public static PipelineReport read(
            LocalPipeline pipeline, List<ConfirmedUser> confirmedUsers, Set<String> poisonMessageIds) {
        return read(
                pipeline,
                confirmedUsers,
                poisonMessageIds,
                pipeline.aws().moto().sentEmails());
    }

    /**
     * Reads the end state, with moto's sent mail already read (it is the largest part of moto's state: read it once
     * per run).
     *
     * @param poisonMessageIds ids of malformed messages the run put on the queue on purpose
     * @param sentEmails every email moto's SES accepted
     */
    public static PipelineReport read(
            LocalPipeline pipeline,
            List<ConfirmedUser> confirmedUsers,
            Set<String> poisonMessageIds,
            List<MotoServer.SentEmail> sentEmails) {
        if (pipeline.poolId() == null) {
            throw new IllegalStateException("The local pipeline has no user pool");
        }
        Accounts accounts = Accounts.scan(pipeline);
        Map<String, Integer> emailsByRecipient = emailsByRecipient(sentEmails);
        DeadLetters deadLetters = DeadLetters.peek(pipeline, poisonMessageIds);

        int provisioned = 0;
        int emailed = 0;
        int lost = 0;
        int duplicateAccounts = 0;
        int duplicateEmails = 0;
        int outsideWindow = 0;
        for (ConfirmedUser user : confirmedUsers) {
            int accountCount = accounts.countBySub().getOrDefault(user.sub(), 0);
            if (accountCount > 0) {
                provisioned++;
                duplicateAccounts += accountCount - 1;
            } else if (!deadLetters.subs().contains(user.sub())) {
                lost++;
            }
            int emails = user.email() == null
                    ? 0
                    : emailsByRecipient.getOrDefault(
                            EmailAddresses.withAsciiDomain(user.email()).toLowerCase(Locale.ROOT), 0);
            if (emails > 0) {
                emailed++;
                duplicateEmails += emails - 1;
                // Each email beyond the first must be explained by one takeover of an expired claim.
                outsideWindow +=
                        Math.max(0, emails - 1 - accounts.takeoversBySub().getOrDefault(user.sub(), 0));
            }
        }
        return new PipelineReport(
                confirmedUsers.size(),
                provisioned,
                emailed,
                deadLetters.messages().size(),
                lost,
                duplicateAccounts,
                duplicateEmails,
                outsideWindow,
                deadLetters.poisonFirstReceive().size(),
                deadLetters.poisonFirstReceive().values().stream().allMatch(count -> count == 1));
    }

    /**
     * Items per page of the report's Scan. DynamoDB Local's memory for a Scan page grows with the table, not the page:
     * one 1 MB page (about 2,300 items) of a 20,000-item table took the harness from 371 to 607 MB (5,000 items: 9
     * MB more); pages of 500 items read the same table with 7 MB more, in half the time.
     */
    static final int SCAN_PAGE_ITEMS = 500;

    /** The accounts table, by sub: how many items, and how many email claims were taken over. */
    private record Accounts(Map<String, Integer> countBySub, Map<String, Integer> takeoversBySub) {
        static Accounts scan(LocalPipeline pipeline) {
            Map<String, Integer> accounts = new HashMap<>();
            Map<String, Integer> emailTakeovers = new HashMap<>();
            pipeline.aws()
                    .dynamoDb()
                    .scanPaginator(b -> b.tableName(pipeline.resources().tableName())
                            .consistentRead(true)
                            .limit(SCAN_PAGE_ITEMS)
                            .projectionExpression("#sub, #takeovers")
                            .expressionAttributeNames(
                                    Map.of("#sub", AccountItem.COGNITO_SUB, "#takeovers", AccountItem.EMAIL_TAKEOVERS)))
                    .items()
                    .forEach(item -> {
                        accounts.merge(text(item, AccountItem.COGNITO_SUB), 1, Integer::sum);
                        AttributeValue takeovers = item.get(AccountItem.EMAIL_TAKEOVERS);
                        emailTakeovers.put(
                                text(item, AccountItem.COGNITO_SUB),
                                takeovers == null ? 0 : Integer.parseInt(takeovers.n()));
                    });
            return new Accounts(accounts, emailTakeovers);
        }
    }

    /** Emails moto's SES accepted, by lower-cased recipient. */
    private static Map<String, Integer> emailsByRecipient(List<MotoServer.SentEmail> sentEmails) {
        Map<String, Integer> emailsByRecipient = new HashMap<>();
        for (MotoServer.SentEmail email : sentEmails) {
            email.to().forEach(to -> emailsByRecipient.merge(to.toLowerCase(Locale.ROOT), 1, Integer::sum));
        }
        return emailsByRecipient;
    }

    /**
     * The dead-letter queue, read without consuming it: its messages, the subs they carry, and for each poison
     * message (by its source id) the lowest receive count it was dead-lettered at.
     */
    private record DeadLetters(List<Message> messages, Set<String> subs, Map<String, Integer> poisonFirstReceive) {
        static DeadLetters peek(LocalPipeline pipeline, Set<String> poisonMessageIds) {
            List<Message> deadLetters =
                    peekAll(pipeline.aws(), pipeline.resources().deadLetterQueueUrl());
            Set<String> deadLetteredSubs = new HashSet<>();
            Map<String, Integer> poisonFirstReceive = new HashMap<>();
            for (Message message : deadLetters) {
                sub(message.body()).ifPresent(deadLetteredSubs::add);
                var source = message.messageAttributes().get(DeadLetterAttributes.SOURCE_MESSAGE_ID);
                if (source != null && poisonMessageIds.contains(source.stringValue())) {
                    var receives = message.messageAttributes().get(DeadLetterAttributes.RECEIVE_COUNT);
                    int count = receives == null ? Integer.MAX_VALUE : Integer.parseInt(receives.stringValue());
                    poisonFirstReceive.merge(source.stringValue(), count, Math::min);
                }
            }
            return new DeadLetters(deadLetters, deadLetteredSubs, poisonFirstReceive);
        }
    }

    /** The script-readable summary line; more {@code key=value} pairs may follow it. */
    public String summaryLine(double seconds) {
        return String.format(
                java.util.Locale.ROOT,
                "summary confirmed=%d provisioned=%d emailed=%d dead_lettered=%d lost=%d seconds=%.1f"
                        + " duplicate_accounts=%d duplicate_emails=%d duplicate_emails_outside_window=%d"
                        + " poison_dead_lettered=%d",
                confirmed,
                provisioned,
                emailed,
                deadLettered,
                lost,
                seconds,
                duplicateAccounts,
                duplicateEmails,
                duplicateEmailsOutsideWindow,
                poisonDeadLettered);
    }

    /**
     * Every message on a queue, read without consuming it: received with a visibility timeout
     * long enough to see each once, then made visible again.
     */
    static List<Message> peekAll(LocalAws aws, String queueUrl) {
        List<Message> all = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        while (true) {
            List<Message> batch = aws.sqs()
                    .receiveMessage(b -> b.queueUrl(queueUrl)
                            .maxNumberOfMessages(10)
                            .visibilityTimeout(60)
                            .waitTimeSeconds(0)
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)
                            .messageAttributeNames("All"))
                    .messages();
            if (batch.isEmpty()) {
                break;
            }
            for (Message message : batch) {
                if (seen.add(message.messageId())) {
                    all.add(message);
                }
            }
        }
        for (Message message : all) {
            aws.sqs().changeMessageVisibility(b -> b.queueUrl(queueUrl)
                    .receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
        }
        return all;
    }

    private static java.util.Optional<String> sub(String body) {
        try {
            JsonNode node = JSON.readTree(body);
            JsonNode sub = node == null ? null : node.get("sub");
            return sub != null && sub.isTextual() ? java.util.Optional.of(sub.textValue()) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? "" : value.s();
    }
}
