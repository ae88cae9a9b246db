package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code reconcile --pool POOL_ID [--dry-run] [--rate N]}: re-enqueues every confirmed user of the
 * pool who has no account (see {@link Reconciler}). Run it after fixing wiring that dropped
 * confirmations (the stale-permission incident), or when {@code TriggerEnqueueFailed} alarms.
 */
public final class ReconcileCommand implements Command {

    private final Settings settings;

    public ReconcileCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "reconcile";
    }

    @Override
    public String summary() {
        return "--pool POOL_ID [--dry-run] [--rate PER_SECOND] [--table T] [--queue-url URL] [--dlq-url URL]"
                + " [--cognito-endpoint URL]  re-enqueue confirmed users without an account";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (OpsCli.wantsHelp(args)) {
            out.println("usage: ops reconcile " + summary());
            out.println("  --rate caps the sends per second (default 20). With --dlq-url, users whose confirmation is");
            out.println("  on the DLQ are left to dlq redrive; --dry-run peeks at the DLQ without hiding messages.");
            out.print(OpsCli.EXIT_CODES);
            return OpsCli.OK;
        }
        Options options;
        try {
            options = Options.parse(args, settings);
        } catch (IllegalArgumentException | ConfigurationException e) {
            err.println("reconcile: " + e.getMessage());
            err.println("usage: ops reconcile " + summary());
            return OpsCli.USAGE;
        }
        try (OpsClients clients = OpsClients.create(settings, options.cognitoEndpoint())) {
            Set<String> deadLettered = Set.of();
            if (options.deadLetterQueueUrl().isPresent()) {
                DeadLetterQueue dlq = new DeadLetterQueue(
                        clients.sqs(), options.deadLetterQueueUrl().get(), Clock.systemUTC());
                // A dry run changes nothing: it peeks with visibility 0, which may see only part of the DLQ.
                DeadLetterQueue.Subs subs = dlq.subs(!options.dryRun(), err);
                subs.coverage()
                        .notes(dlq.hold())
                        .forEach(note -> err.println("reconcile: dead-letter queue: " + note
                                + (options.dryRun()
                                        ? " (a dry run does not hide DLQ messages, so users on the unseen part count as"
                                                + " would_enqueue)"
                                        : "")));
                deadLettered = subs.subs();
            }
            err.printf("reconcile: listing CONFIRMED users of %s%n", options.poolId());
            Reconciler.Result result = new Reconciler(
                            clients.cognito(), clients.dynamoDb(), clients.sqs(), Clock.systemUTC())
                    .reconcile(
                            options.poolId(),
                            options.table(),
                            options.queueUrl(),
                            deadLettered,
                            options.dryRun(),
                            options.perSecond(),
                            err);
            out.println(result.line(options.dryRun()));
            if (result.error().isPresent()) {
                err.println("reconcile: stopped early: " + result.error().get() + "; run again for the rest");
                return OpsCli.FAILED;
            }
            return result.ok() ? OpsCli.OK : OpsCli.PROBLEM;
        } catch (ConfigurationException e) {
            err.println("reconcile: configuration: " + e.getMessage());
            return OpsCli.USAGE;
        } catch (RuntimeException e) {
            err.println("reconcile: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return OpsCli.FAILED;
        }
    }

    /** The parsed arguments. */
    record Options(
            String poolId,
            String table,
            String queueUrl,
            Optional<String> deadLetterQueueUrl,
            Optional<URI> cognitoEndpoint,
            boolean dryRun,
            double perSecond) {

        static Options parse(List<String> args, Settings settings) {
            String pool = settings.optional("USER_POOL_ID").orElse(null);
            String table = settings.optional("TABLE_NAME").orElse(null);
            String queue = settings.optional("QUEUE_URL").orElse(null);
            String dlq = settings.optional("DLQ_URL").orElse(null);
            URI cognito = settings.optionalUri("COGNITO_ENDPOINT").orElse(null);
            boolean dryRun = false;
            double rate = 20;
            List<String> rest = new ArrayList<>(args);
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                switch (option) {
                    case "--pool" -> pool = value(option, rest);
                    case "--table" -> table = value(option, rest);
                    case "--queue-url" -> queue = value(option, rest);
                    case "--dlq-url" -> dlq = value(option, rest);
                    case "--cognito-endpoint" -> cognito = uri(option, value(option, rest));
                    case "--dry-run" -> dryRun = true;
                    case "--rate" -> rate = rate(value(option, rest));
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (pool == null || table == null || queue == null) {
                throw new IllegalArgumentException(
                        "--pool, --table and --queue-url are required (or USER_POOL_ID, TABLE_NAME, QUEUE_URL)");
            }
            return new Options(
                    pool, table, queue, Optional.ofNullable(dlq), Optional.ofNullable(cognito), dryRun, rate);
        }

        private static URI uri(String option, String value) {
            try {
                URI uri = new URI(value);
                if (uri.getScheme() == null || uri.getHost() == null) {
                    throw new IllegalArgumentException(option + " must be an absolute URL, got " + value);
                }
                return uri;
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException(option + " is not a URL: " + value);
            }
        }

        private static double rate(String value) {
            try {
                double parsed = Double.parseDouble(value);
                if (!(parsed > 0) || Double.isInfinite(parsed)) {
                    throw new IllegalArgumentException("--rate must be positive, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--rate must be a number of messages per second, got " + value);
            }
        }

        private static String value(String option, List<String> rest) {
            if (rest.isEmpty() || rest.get(0).startsWith("--")) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return rest.remove(0);
        }
    }
}
