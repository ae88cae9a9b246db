package dev.provisioning.ops.reconcile;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import dev.provisioning.common.StackOutputs;
import dev.provisioning.ops.cli.AbsoluteUrl;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.OpsClients;
import dev.provisioning.ops.cli.OpsCommand;
import dev.provisioning.ops.cli.StackDefaults;
import dev.provisioning.ops.cli.VersionProvider;
import dev.provisioning.ops.dlq.DeadLetterQueue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code reconcile}: re-enqueues every confirmed user of the pool who has no account (see {@link Reconciler}). Run
 * it after fixing wiring that dropped confirmations (the stale-permission incident), or when the stack's
 * {@code TriggerEnqueueFailed} or {@code TriggerThrottles} alarm fires.
 */
@Command(
        name = "reconcile",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Re-enqueue confirmed users of the pool who have no account.",
            "With --dlq-url, users whose confirmation is on the DLQ are left to dlq redrive;",
            "--dry-run peeks at the DLQ without hiding messages."
        })
public final class ReconcileCommand extends OpsCommand {

    static final double DEFAULT_RATE = 20;

    @Option(names = "--pool", paramLabel = "ID", description = "user pool id (USER_POOL_ID)")
    private String pool;

    @Option(names = "--table", paramLabel = "T", description = "accounts table (TABLE_NAME)")
    private String table;

    @Option(names = "--queue-url", paramLabel = "URL", description = "signup queue (QUEUE_URL)")
    private String queueUrl;

    @Option(names = "--dlq-url", paramLabel = "URL", description = "dead-letter queue (DLQ_URL)")
    private String deadLetterQueueUrl;

    @Option(
            names = "--cognito-endpoint",
            paramLabel = "URL",
            converter = AbsoluteUrl.class,
            description = "Cognito endpoint, e.g. cognito-local (COGNITO_ENDPOINT)")
    private URI cognitoEndpoint;

    @Option(names = "--dry-run", description = "count who would be enqueued; send nothing")
    private boolean dryRun;

    @Option(
            names = "--rate",
            paramLabel = "PER_SECOND",
            description = "cap on sends per second (default: ${DEFAULT-VALUE})")
    private double rate = DEFAULT_RATE;

    public ReconcileCommand(CommandContext context) {
        super(context);
    }

    @Override
    public Integer call() {
        Optional<URI> cognito = cognitoEndpoint();
        try (OpsClients clients = OpsClients.create(settings(), cognito)) {
            Options options = options(defaults(clients), cognito);
            Set<String> deadLettered = deadLettered(clients, options);
            err().printf("reconcile: listing CONFIRMED users of %s%n", options.poolId());
            Reconciler.Result result = new Reconciler(
                            clients.cognito(), clients.dynamoDb(), clients.sqs(), Clock.systemUTC())
                    .reconcile(
                            options.poolId(),
                            options.table(),
                            options.queueUrl(),
                            deadLettered,
                            options.dryRun(),
                            options.perSecond(),
                            progress());
            out().println(result.line(options.dryRun()));
            if (result.error().isPresent()) {
                err().println("reconcile: stopped early: " + result.error().get() + "; run again for the rest");
                return ExitCodes.FAILED;
            }
            return result.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
        } catch (ParameterException e) {
            throw e;
        } catch (ConfigurationException | StackDefaults.StackNotFoundException e) {
            err().println("reconcile: configuration: " + e.getMessage());
            return ExitCodes.USAGE;
        } catch (RuntimeException e) {
            err().println("reconcile: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        }
    }

    private Set<String> deadLettered(OpsClients clients, Options options) {
        if (options.deadLetterQueueUrl().isEmpty()) {
            return Set.of();
        }
        DeadLetterQueue dlq =
                new DeadLetterQueue(clients.sqs(), options.deadLetterQueueUrl().get(), Clock.systemUTC());
        // A dry run changes nothing: it peeks with visibility 0, which may see only part of the DLQ.
        DeadLetterQueue.Subs subs = dlq.subs(!options.dryRun(), progress());
        subs.coverage().notes(dlq.hold()).forEach(note -> err().println("reconcile: dead-letter queue: " + note
                + (options.dryRun()
                        ? " (a dry run does not hide DLQ messages, so users on the unseen part count as"
                                + " would_enqueue)"
                        : "")));
        return subs.subs();
    }

    /** {@code --cognito-endpoint}, else {@code COGNITO_ENDPOINT}; read once per run. */
    private Optional<URI> cognitoEndpoint() {
        return orEnvironment(cognitoEndpoint, "COGNITO_ENDPOINT");
    }

    private Options options(StackDefaults defaults, Optional<URI> cognito) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw usageError("--rate must be positive, got " + rate);
        }
        Optional<String> poolId = defaults.value(pool, StackOutputs.USER_POOL_ID, "USER_POOL_ID");
        Optional<String> tableName = defaults.value(table, StackOutputs.TABLE_NAME, "TABLE_NAME");
        Optional<String> queue = defaults.value(queueUrl, StackOutputs.QUEUE_URL, "QUEUE_URL");
        if (poolId.isEmpty() || tableName.isEmpty() || queue.isEmpty()) {
            throw usageError(
                    "--pool, --table and --queue-url are required (or --stack, or USER_POOL_ID, TABLE_NAME, QUEUE_URL)");
        }
        return new Options(
                poolId.get(),
                tableName.get(),
                queue.get(),
                defaults.value(deadLetterQueueUrl, StackOutputs.DEAD_LETTER_QUEUE_URL, "DLQ_URL"),
                cognito,
                dryRun,
                rate);
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

        /** Parses {@code args} as the command line would, with the environment's defaults, running nothing. */
        static Options parse(List<String> args, Settings settings) {
            PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            ReconcileCommand command = new ReconcileCommand(new CommandContext(settings, sink, sink));
            new CommandLine(command).parseArgs(args.toArray(String[]::new));
            return command.options(new StackDefaults(settings), command.cognitoEndpoint());
        }
    }
}
