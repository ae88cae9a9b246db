package dev.provisioning.local;

import dev.provisioning.common.Settings;
import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.local.chaos.PoisonMessages;
import dev.provisioning.ops.cli.Progress;
import dev.provisioning.ops.reconcile.Reconciler;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import software.amazon.awssdk.services.cognitoidentityprovider.model.AttributeType;
import software.amazon.awssdk.services.cognitoidentityprovider.model.UserType;

/**
 * {@code ./pipeline local}: starts the local pipeline, signs up and confirms users through
 * cognito-local, waits until the queue drains, and prints a one-line summary a script can read.
 * Exits 0 only when no confirmed user was lost.
 */
public final class LocalRun {

    static final String USAGE = """
            usage: ./pipeline local [--users N] [--keep-running] [--verbose] [--log FILE]
                                    [--fault-rate R] [--lost-answer-rate R] [--crash-rate R] [--duplicates R]
                                    [--poison K]
              --users N        sign up and confirm N users through cognito-local (default 25)
              --fault-rate R   fraction of the functions' AWS calls that fail (throttling, 500, timeout, reset)
              --lost-answer-rate R
                               fraction of the functions' AWS calls the service performs but whose answer is
                               lost (the caller gets a 500, a timeout or a reset)
              --crash-rate R   fraction of the provisioner's AWS calls after which its process is killed
              --duplicates R   fraction of trigger invocations Cognito delivers twice
              --poison K       put K malformed messages on the queue
              --keep-running   after the summary, print the endpoints and wait (Ctrl-C stops everything)
              --verbose        print every component's log lines too (always written to --log)
              --log FILE       where component logs go (default target/pipeline-local.log)
            """;

    /** Parsed command-line options. */
    record Options(
            int users, boolean keepRunning, boolean verbose, Path logFile, LocalPipeline.Chaos chaos, int poison) {

        static Options parse(String[] args) {
            int users = 25;
            boolean keepRunning = false;
            boolean verbose = false;
            Path logFile = Path.of("target", "pipeline-local.log");
            double faultRate = 0;
            double lostAnswerRate = 0;
            double crashRate = 0;
            double duplicates = 0;
            int poison = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--users" -> users = positiveInt(args, ++i, "--users");
                    case "--fault-rate" -> faultRate = rate(args, ++i, "--fault-rate");
                    case "--lost-answer-rate" -> lostAnswerRate = rate(args, ++i, "--lost-answer-rate");
                    case "--crash-rate" -> crashRate = rate(args, ++i, "--crash-rate");
                    case "--duplicates" -> duplicates = rate(args, ++i, "--duplicates");
                    case "--poison" -> poison = positiveInt(args, ++i, "--poison");
                    case "--keep-running" -> keepRunning = true;
                    case "--verbose" -> verbose = true;
                    case "--log" -> logFile = Path.of(value(args, ++i, "--log"));
                    case "-h", "--help" -> throw new UsageException(null);
                    default -> throw new UsageException("unknown option " + args[i]);
                }
            }
            return new Options(
                    users,
                    keepRunning,
                    verbose,
                    logFile,
                    new LocalPipeline.Chaos(faultRate, lostAnswerRate, crashRate, duplicates),
                    poison);
        }

        private static double rate(String[] args, int index, String option) {
            String value = value(args, index, option);
            try {
                double parsed = Double.parseDouble(value);
                if (!(parsed >= 0 && parsed <= 1)) {
                    throw new UsageException(option + " must be a fraction between 0 and 1, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException(option + " must be a fraction between 0 and 1, got " + value);
            }
        }

        private static String value(String[] args, int index, String option) {
            if (index >= args.length) {
                throw new UsageException(option + " needs a value");
            }
            return args[index];
        }

        private static int positiveInt(String[] args, int index, String option) {
            String value = value(args, index, option);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < 0) {
                    throw new UsageException(option + " must be 0 or more, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new UsageException(option + " must be a whole number, got " + value);
            }
        }
    }

    /** A command-line mistake; the message (if any) is printed above the usage. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (UsageException e) {
            if (e.getMessage() != null) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage() == null ? 0 : 2);
            return;
        }
        // Emulators print to System.out; keep stdout for the summary line alone.
        PrintStream stdout = System.out;
        System.setOut(System.err);
        System.exit(run(options, stdout, System.err));
    }

    static int run(Options options, PrintStream out, PrintStream err) {
        long started = System.nanoTime();
        try (ComponentLog componentLog = ComponentLog.open(options.logFile(), options.verbose() ? err : null)) {
            err.println("starting the local AWS, Lambda host and cognito-local (logs: " + options.logFile() + ")");
            try (LocalPipeline pipeline = LocalPipeline.start(
                    Settings.fromEnvironment(),
                    HarnessPaths.discover(),
                    LocalPipeline.Options.defaults(componentLog).withChaos(options.chaos()))) {
                err.printf(Locale.ROOT, "ready in %.1f s%n", seconds(started));
                Outcome outcome = drive(pipeline, options.users(), options.poison(), err);
                out.println(outcome.report().summaryLine(seconds(started)) + outcome.figures());
                out.flush();
                if (options.keepRunning()) {
                    printEndpoints(pipeline, err);
                    Path endpoints = writeEndpoints(pipeline);
                    err.println("./pipeline trace, dlq and reconcile use these endpoints while this runs (" + endpoints
                            + ")");
                    awaitInterrupt();
                }
                return outcome.report().lost() == 0 ? 0 : 1;
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            e.printStackTrace(err);
            return 3;
        }
    }

    /** What a run ended with: the report read from the emulators, and the chaos figures. */
    public record Outcome(PipelineReport report, String figures, int reconciled, Set<String> poisonMessageIds) {}

    /**
     * The run itself, on a started pipeline: poison, sign-ups, drain, reconcile, report. Tests call
     * this too, so the command and the chaos test prove the same thing.
     */
    public static Outcome drive(LocalPipeline pipeline, int users, int poisonCount, PrintStream err) {
        Set<String> poison = putPoison(pipeline, poisonCount);
        signUp(pipeline, users, err);
        drain(pipeline, err);
        int reconciled = 0;
        Reconciler reconciler = new Reconciler(
                pipeline.cognitoClient().sdk(),
                pipeline.aws().dynamoDb(),
                pipeline.aws().sqs(),
                Clock.systemUTC());
        for (int round = 0; round < 3; round++) {
            // The trigger fails open: a confirmation it could not enqueue is healed here, by the same
            // code as the operators' ./pipeline reconcile.
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
        PipelineReport report = PipelineReport.read(pipeline, confirmedUsers(pipeline), poison);
        return new Outcome(report, chaosFigures(pipeline, reconciled), reconciled, poison);
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

    private static void signUp(LocalPipeline pipeline, int users, PrintStream err) {
        var pool = pipeline.userPool();
        int step = Math.max(1, users / 10);
        for (int i = 1; i <= users; i++) {
            pipeline.cognitoClient()
                    .signUpAndConfirm(pool.poolId(), pool.clientId(), email(i), "Local-Passw0rd!", displayName(i));
            if (i % step == 0 || i == users) {
                err.printf(Locale.ROOT, "  confirmed %d/%d%n", i, users);
            }
        }
    }

    /** Test addresses on reserved example domains; one in seven has an internationalised domain. */
    static String email(int i) {
        return String.format(Locale.ROOT, i % 7 == 0 ? "user%05d@exämple.com" : "user%05d@example.com", i);
    }

    /** Names a real sign-up form receives, hostile ones included. */
    static String displayName(int i) {
        return switch (i % 5) {
            case 0 -> "<b>O'Brien & \"Sons\"</b> " + i;
            case 1 -> "Zoë Ørsted " + i;
            case 2 -> "Ada Lovelace " + i;
            case 3 -> "李小龍 " + i;
            default -> "";
        };
    }

    static List<PipelineReport.ConfirmedUser> confirmedUsers(LocalPipeline pipeline) {
        List<PipelineReport.ConfirmedUser> users = new ArrayList<>();
        for (UserType user :
                pipeline.cognitoClient().listConfirmedUsers(pipeline.userPool().poolId())) {
            users.add(new PipelineReport.ConfirmedUser(attribute(user, "sub"), attribute(user, "email")));
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

    private static void printEndpoints(LocalPipeline pipeline, PrintStream err) {
        err.println("the local pipeline keeps running; use the AWS CLI with:");
        pipeline.aws().environment().forEach((key, value) -> err.println("  export " + key + "=" + value));
        err.println("  queue:      " + pipeline.resources().queueUrl());
        err.println("  dlq:        " + pipeline.resources().deadLetterQueueUrl());
        err.println("  table:      " + pipeline.resources().tableName());
        err.println("  cognito:    " + pipeline.cognito().endpoint() + " (pool "
                + pipeline.userPool().poolId() + ", client "
                + pipeline.userPool().clientId() + ")");
        err.println("  lambda:     " + pipeline.lambda().endpoint());
        err.println("  e.g. aws cognito-idp list-users --endpoint-url "
                + pipeline.cognito().endpoint() + " --user-pool-id "
                + pipeline.userPool().poolId());
        // The AWS CLI v1 ignores AWS_ENDPOINT_URL_<SERVICE>: give it --endpoint-url per command.
        err.println("  AWS CLI v1 ignores the AWS_ENDPOINT_URL_* variables; pass --endpoint-url instead:");
        err.println("    aws sqs get-queue-attributes --endpoint-url "
                + pipeline.aws().sqsEndpoint() + " --queue-url "
                + pipeline.resources().queueUrl() + " --attribute-names All");
        err.println("    aws dynamodb scan --endpoint-url " + pipeline.aws().dynamoDbEndpoint() + " --table-name "
                + pipeline.resources().tableName());
        err.println("    aws ses list-identities --endpoint-url "
                + pipeline.aws().moto().endpoint());
        err.println("    aws lambda list-functions --endpoint-url "
                + pipeline.lambda().endpoint());
        err.println("press Ctrl-C to stop");
    }

    private static final Path ENDPOINTS_DIR = Path.of("target");

    /** Where {@code --keep-running} leaves its endpoints for {@code ./pipeline trace|dlq|reconcile}. */
    static final Path ENDPOINTS_FILE = ENDPOINTS_DIR.resolve("local-endpoints.env");

    /** Writes the environment of the running local pipeline; removed when this process exits. */
    static Path writeEndpoints(LocalPipeline pipeline) {
        StringBuilder env = new StringBuilder("# Written by ./pipeline local --keep-running; removed when it stops.\n");
        pipeline.aws()
                .environment()
                .forEach((key, value) ->
                        env.append(key).append('=').append(value).append('\n'));
        env.append("QUEUE_URL=").append(pipeline.resources().queueUrl()).append('\n');
        env.append("DLQ_URL=").append(pipeline.resources().deadLetterQueueUrl()).append('\n');
        env.append("TABLE_NAME=").append(pipeline.resources().tableName()).append('\n');
        env.append("USER_POOL_ID=").append(pipeline.userPool().poolId()).append('\n');
        env.append("COGNITO_ENDPOINT=").append(pipeline.cognito().endpoint()).append('\n');
        try {
            Files.createDirectories(ENDPOINTS_DIR);
            Files.writeString(ENDPOINTS_FILE, env.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + ENDPOINTS_FILE, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ENDPOINTS_FILE);
            } catch (IOException e) {
                // Best effort at exit.
            }
        }));
        return ENDPOINTS_FILE.toAbsolutePath();
    }

    private static void awaitInterrupt() {
        CountDownLatch latch = new CountDownLatch(1);
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    /** Component logs go to a file (and the console with --verbose), keeping progress readable. */
    static final class ComponentLog implements Consumer<String>, AutoCloseable {
        private final java.io.Writer file;
        private final PrintStream echo;
        private final Object lock = new Object();

        private ComponentLog(java.io.Writer file, PrintStream echo) {
            this.file = file;
            this.echo = echo;
        }

        static ComponentLog open(Path path, PrintStream echo) {
            try {
                Path parent = path.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                return new ComponentLog(
                        Files.newBufferedWriter(
                                path,
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.TRUNCATE_EXISTING),
                        echo);
            } catch (IOException e) {
                throw new UncheckedIOException("Could not open the log file " + path, e);
            }
        }

        @Override
        public void accept(String line) {
            synchronized (lock) {
                try {
                    file.write(line);
                    file.write('\n');
                } catch (IOException e) {
                    // A full disk must not stop the pipeline; the console still has progress.
                }
                if (echo != null) {
                    echo.println(line);
                }
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                try {
                    file.close();
                } catch (IOException e) {
                    // Nothing useful to do at shutdown.
                }
            }
        }
    }
}
