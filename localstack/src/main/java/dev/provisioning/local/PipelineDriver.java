package dev.provisioning.local;

import dev.provisioning.local.aws.MotoServer;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.chaos.PoisonMessages;
import dev.provisioning.ops.cli.Progress;
import dev.provisioning.ops.reconcile.Reconciler;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * What a run does on a started pipeline: poison messages, sign-ups through cognito-local, the drain, reconcile
 * rounds, and the report read back from the emulators. {@code ./pipeline local} and the chaos tests both drive the
 * pipeline through here, so the command and the tests prove the same thing.
 */
public final class PipelineDriver {

    private PipelineDriver() {}

    /**
     * What a run ended with: the report read from the emulators, and the chaos figures.
     *
     * @param endToEnd from the first sign-up until the queue drained (after the reconcile rounds, if any)
     */
    public record Outcome(
            PipelineReport report, String figures, int reconciled, Set<String> poisonMessageIds, Duration endToEnd) {}

    /**
     * The run itself, on a started pipeline: poison, sign-ups, drain, reconcile, report. Tests call
     * this too, so the command and the chaos test prove the same thing. Without cognito-local
     * ({@link LocalPipeline.SignUps#INVOKE_API}) the confirmations go to the trigger on the Invoke API, and there is
     * no reconcile: the reconciler lists the pool's users, which only Cognito has.
     */
    public static Outcome drive(LocalPipeline pipeline, int users, int poisonCount, PrintStream err) {
        Set<String> poison = putPoison(pipeline, poisonCount);
        long started = System.nanoTime();
        int first = pipeline.reserveUsers(users);
        boolean cognito = pipeline.options().signUps() == LocalPipeline.SignUps.COGNITO_LOCAL;
        InvokeApiSignUps.Result invoked = null;
        if (cognito) {
            signUp(pipeline, first, users, err);
        } else {
            err.println("confirming through the trigger on the Lambda host's Invoke API (Cognito's PostConfirmation"
                    + " events, no cognito-local)");
            invoked = InvokeApiSignUps.confirm(pipeline, first, users, FunctionWiring.TRIGGER_CONCURRENCY, err);
        }
        drain(pipeline, err);
        int reconciled = cognito ? reconcile(pipeline, err) : 0;
        Duration endToEnd = Duration.ofNanos(System.nanoTime() - started);
        List<MotoServer.SentEmail> sent = pipeline.aws().moto().sentEmails();
        // Who Cognito confirmed: the pool's users, listed once, or the users the events were sent for.
        List<InvokeApiSignUps.User> confirmed = cognito ? listConfirmed(pipeline) : invoked.users();
        PipelineReport report = PipelineReport.read(
                pipeline,
                confirmed.stream()
                        .map(u -> new PipelineReport.ConfirmedUser(u.sub(), u.email()))
                        .toList(),
                poison,
                sent);
        String locales = LocaleReport.figures(
                confirmed.stream()
                        .map(u -> new LocaleReport.User(u.email(), u.name(), u.locale()))
                        .toList(),
                sent);
        String figures = chaosFigures(pipeline, reconciled)
                + locales
                + (cognito ? "" : " sign_ups=invoke_api trigger_errors=" + invoked.triggerErrors());
        return new Outcome(report, figures, reconciled, poison, endToEnd);
    }

    /**
     * Reconcile rounds until none re-enqueues anyone (at most three): the trigger fails open, and a confirmation it
     * could not enqueue is healed here, by the same code as the operators' ./pipeline reconcile.
     *
     * @return how many users the rounds re-enqueued
     */
    private static int reconcile(LocalPipeline pipeline, PrintStream err) {
        int reconciled = 0;
        Reconciler reconciler = new Reconciler(
                pipeline.cognitoClient().sdk(),
                pipeline.aws().dynamoDb(),
                pipeline.aws().sqs(),
                Clock.systemUTC());
        for (int round = 0; round < 3; round++) {
            Reconciler.Result result = reconciler.reconcile(
                    pipeline.userPool().poolId(),
                    pipeline.resources().tableName(),
                    pipeline.resources().queueUrl(),
                    PipelineReport.deadLetteredSubs(pipeline),
                    false,
                    0,
                    Progress.NONE);
            // A reconcile that could not finish must say so: the users it did not reach count as lost.
            result.error().ifPresent(error -> err.println("reconcile stopped early: " + error));
            int missing = result.enqueued();
            if (missing == 0) {
                break;
            }
            err.printf(Locale.ROOT, "reconcile: re-enqueued %d confirmed users without an account%n", missing);
            reconciled += missing;
            drain(pipeline, err);
        }
        return reconciled;
    }

    private static void drain(LocalPipeline pipeline, PrintStream err) {
        err.println("waiting for the queue to drain");
        boolean drained = pipeline.awaitDrained(Duration.ofMinutes(10), new DepthPrinter(err));
        if (!drained) {
            err.println("the queue did not drain within 10 minutes; reporting the state as it is");
        }
    }

    /** Prints the queue depth when it changes, so a long drain shows progress without flooding. */
    private static final class DepthPrinter implements java.util.function.LongConsumer {
        private final PrintStream err;
        private long last = -1;

        DepthPrinter(PrintStream err) {
            this.err = err;
        }

        @Override
        public void accept(long depth) {
            if (depth != last) {
                err.printf(Locale.ROOT, "  queue depth %d%n", depth);
                last = depth;
            }
        }
    }

    /** Puts {@code count} malformed messages on the queue; returns their message ids. */
    static Set<String> putPoison(LocalPipeline pipeline, int count) {
        Set<String> ids = new java.util.HashSet<>();
        for (int i = 0; i < count; i++) {
            String body = PoisonMessages.get(i).body();
            ids.add(pipeline.aws()
                    .sqs()
                    .sendMessage(
                            b -> b.queueUrl(pipeline.resources().queueUrl()).messageBody(body))
                    .messageId());
        }
        return ids;
    }

    static String chaosFigures(LocalPipeline pipeline, int reconciled) {
        long faults = 0;
        long crashes = 0;
        long duplicates = 0;
        long sesCrashes = 0;
        long lostAnswers = 0;
        long lostSends = 0;
        for (FaultInjectingProxy proxy : pipeline.proxies()) {
            faults += proxy.faults();
            lostAnswers += proxy.lostAnswers();
            lostSends += proxy.lostAnswersOf("SendEmail");
            crashes += proxy.crashes();
            duplicates += proxy.duplicates();
            sesCrashes += proxy.crashesAfter("SendEmail");
        }
        return String.format(
                Locale.ROOT,
                " retries=%d reconciled=%d faults_injected=%d lost_answers=%d lost_email_answers=%d crashes=%d"
                        + " crashes_after_email=%d duplicate_invocations=%d",
                pipeline.mapping().stats().redeliveries(),
                reconciled,
                faults,
                lostAnswers,
                lostSends,
                crashes,
                sesCrashes,
                duplicates);
    }

    private static void signUp(LocalPipeline pipeline, int first, int users, PrintStream err) {
        var pool = pipeline.userPool();
        int step = Math.max(1, users / 10);
        for (int n = 1; n <= users; n++) {
            int i = first + n - 1;
            pipeline.cognitoClient()
                    .signUpAndConfirm(
                            pool.poolId(),
                            pool.clientId(),
                            SampleUsers.email(i),
                            "Local-Passw0rd!",
                            SampleUsers.displayName(i),
                            SampleUsers.locale(i));
            if (n % step == 0 || n == users) {
                err.printf(Locale.ROOT, "  confirmed %d/%d%n", n, users);
            }
        }
    }

    /** The pool's confirmed users, with the attributes the report reads. */
    private static List<InvokeApiSignUps.User> listConfirmed(LocalPipeline pipeline) {
        List<InvokeApiSignUps.User> users = new ArrayList<>();
        for (UserType user :
                pipeline.cognitoClient().listConfirmedUsers(pipeline.userPool().poolId())) {
            users.add(new InvokeApiSignUps.User(
                    attribute(user, "sub"),
                    attribute(user, "email"),
                    attribute(user, "name"),
                    attribute(user, "locale")));
        }
        return users;
    }

    private static String attribute(UserType user, String name) {
        return user.attributes().stream()
                .filter(a -> a.name().equals(name))
                .map(AttributeType::value)
                .findFirst()
                .orElse(null);
    }
}
