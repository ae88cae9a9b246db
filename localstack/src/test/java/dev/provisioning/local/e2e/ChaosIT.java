package dev.provisioning.local.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.provisioning.common.Settings;
import dev.provisioning.local.HarnessPaths;
import dev.provisioning.local.LocalPipeline;
import dev.provisioning.local.PipelineDriver;
import dev.provisioning.local.PipelineReport;
import dev.provisioning.local.chaos.Chaos;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The promise under everything at once: 1,000 real sign-ups while a fifth of the functions' AWS
 * calls fail, the provisioner is killed mid-record now and then, Cognito delivers a tenth of its
 * trigger calls twice, and poison sits on the queue. Every confirmed user must end with exactly one
 * account (or a dead-letter message), every poison message in the DLQ without a single retry, and any
 * second email must come from the documented window (SES accepted, the answer was lost).
 */
class ChaosIT {

    static final int USERS = 1000;
    static final int POISON = 10;

    @Test
    void drive_whenFaultsLostAnswersCrashesDuplicatesAndPoison_losesNothingAndDoublesNoAccount() {
        ConcurrentLinkedQueue<String> logs = new ConcurrentLinkedQueue<>();
        LocalPipeline.Options options =
                LocalPipeline.Options.defaults(logs::add).withChaos(new Chaos(0.2, 0.05, 0.002, 0.1));
        try (LocalPipeline pipeline =
                LocalPipeline.start(Settings.fromEnvironment(), HarnessPaths.discover(), options)) {

            PipelineDriver.Outcome outcome = PipelineDriver.drive(pipeline, USERS, POISON, System.err);

            PipelineReport report = outcome.report();
            System.err.println(report.summaryLine(0) + outcome.figures());
            assertThat(report.confirmed()).isEqualTo(USERS);
            assertThat(report.lost()).isZero();
            assertThat(report.duplicateAccounts()).isZero();
            assertThat(report.poisonDeadLettered()).isEqualTo(POISON);
            // Poison is never retried: no retry was ever scheduled for it, and its dead letter is
            // PERMANENT with the reason. (Its receive count can exceed 1 only when an injected crash
            // killed its batch before the record was reached; BadInputCatalogIT checks receive count 1.)
            for (String poisonId : outcome.poisonMessageIds()) {
                assertThat(logs).noneMatch(line -> line.contains("Retry scheduled") && line.contains(poisonId));
            }
            assertThat(DeadLetters.peek(pipeline))
                    .filteredOn(m -> m.messageAttributes().containsKey("source.messageId")
                            && outcome.poisonMessageIds()
                                    .contains(m.messageAttributes()
                                            .get("source.messageId")
                                            .stringValue()))
                    .isNotEmpty()
                    .allSatisfy(m -> assertThat(
                                    m.messageAttributes().get("failure.class").stringValue())
                            .isEqualTo("PERMANENT"));
            // Every second email went to an account whose send was claimed again after its lease
            // expired: SES had accepted a send whose answer was lost (an injected crash, or a call
            // that timed out under load). That is the documented window; nothing else may double.
            assertThat(report.duplicateEmailsOutsideWindow()).isZero();
            assertThat(pipeline.proxies().stream().mapToLong(p -> p.faults()).sum())
                    .as("faults were injected")
                    .isPositive();
            // Lost answers: the services acted (a write, a send) and the functions saw a failure instead.
            assertThat(pipeline.proxies().stream()
                            .mapToLong(p -> p.lostAnswers())
                            .sum())
                    .as("answers were lost")
                    .isPositive();
            assertThat(outcome.figures()).contains("lost_answers=");
            assertThat(pipeline.proxies().stream()
                            .mapToLong(p -> p.duplicates())
                            .sum())
                    .as("Cognito retries were simulated")
                    .isPositive();
            // No address of the run (user00000@example.com ...) in any line any component printed.
            java.util.regex.Pattern address = java.util.regex.Pattern.compile("user\\d{5}(@|%40)");
            assertThat(logs).isNotEmpty().noneMatch(line -> address.matcher(line)
                    .find());
            // Whatever the provisioner dead-lettered says why. Only the queue's own redrive parks a message without
            // a reason: a record whose last receive ended in an injected crash (the worker died before it could
            // park it). So there are at most as many of those as crashes, and each is still a provisioned user.
            List<Message> withoutReason = DeadLetters.peek(pipeline).stream()
                    .filter(m -> !m.messageAttributes().containsKey("failure.reason"))
                    .toList();
            long crashes =
                    pipeline.proxies().stream().mapToLong(p -> p.crashes()).sum();
            assertThat((long) withoutReason.size()).isLessThanOrEqualTo(crashes);
        }
    }
}
