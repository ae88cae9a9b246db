package dev.provisioning.ops.dlq;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.StackOutputs;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.OpsClients;
import dev.provisioning.ops.cli.OpsCommand;
import dev.provisioning.ops.cli.StackDefaults;
import dev.provisioning.ops.cli.VersionProvider;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code dlq list | redrive}: what is on the dead-letter queue and why, and moving it back to the provisioning
 * queue once the cause is fixed. Redriving is safe: the provisioner is idempotent by {@code userPoolId#sub}, so a
 * message whose user was provisioned meanwhile changes nothing.
 */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Inspect (list) or redrive the dead-letter queue.",
            "Messages read are hidden for at most 5 minutes and made visible again when done."
        })
public final class DlqCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    private DlqCommand() {}

    /** {@code dlq} with its two subcommands. */
    public static CommandLine commandLine(CommandContext context) {
        return new CommandLine(new DlqCommand())
                .addSubcommand(new ListCommand(context))
                .addSubcommand(new RedriveCommand(context));
    }

    @Override
    public Integer call() {
        throw new ParameterException(spec.commandLine(), "say list or redrive");
    }

    /** What both subcommands read. */
    abstract static class DlqSubcommand extends OpsCommand {

        @Option(names = "--dlq-url", paramLabel = "URL", description = "dead-letter queue (DLQ_URL)")
        private String deadLetterQueueUrl;

        DlqSubcommand(CommandContext context) {
            super(context);
        }

        @Override
        public final Integer call() {
            try (OpsClients clients = OpsClients.create(settings(), Optional.empty())) {
                StackDefaults defaults = defaults(clients);
                String url = defaults.value(deadLetterQueueUrl, StackOutputs.DEAD_LETTER_QUEUE_URL, "DLQ_URL")
                        .orElseThrow(() -> usageError(defaults.sources("--dlq-url", "DLQ_URL") + " is required"));
                return run(new DeadLetterQueue(clients.sqs(), url, Clock.systemUTC()), defaults);
            } catch (ParameterException e) {
                throw e;
            } catch (ConfigurationException | StackDefaults.StackNotFoundException e) {
                err().println("dlq: configuration: " + e.getMessage());
                return ExitCodes.USAGE;
            } catch (RuntimeException e) {
                err().println("dlq: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        abstract int run(DeadLetterQueue dlq, StackDefaults defaults);
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "What is on the dead-letter queue, grouped by failure reason.")
    static final class ListCommand extends DlqSubcommand {

        @Option(names = "--json", description = "the listing as JSON")
        private boolean json;

        ListCommand(CommandContext context) {
            super(context);
        }

        @Override
        int run(DeadLetterQueue dlq, StackDefaults defaults) {
            Listing listing = dlq.list(progress());
            if (json) {
                out().println(listing.toJson());
            } else {
                listing.print(out());
            }
            return listing.coverage().failed() ? ExitCodes.FAILED : ExitCodes.OK;
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Move dead-lettered messages back to the signup queue.")
    static final class RedriveCommand extends DlqSubcommand {

        @Option(names = "--queue-url", paramLabel = "URL", description = "signup queue to move them to (QUEUE_URL)")
        private String queueUrl;

        @Option(
                names = "--reason",
                paramLabel = "R",
                description = "only messages whose failure.reason is R, or for RETRIES_EXHAUSTED whose last"
                        + " attempt's reason is R (e.g. THROTTLED)")
        private String reason;

        @Option(names = "--max", paramLabel = "N", description = "move at most N messages")
        private Integer max;

        @Option(names = "--dry-run", description = "count what would move; move nothing")
        private boolean dryRun;

        RedriveCommand(CommandContext context) {
            super(context);
        }

        @Override
        int run(DeadLetterQueue dlq, StackDefaults defaults) {
            if (max != null && max < 1) {
                throw usageError("--max must be at least 1, got " + max);
            }
            String queue = defaults.value(queueUrl, StackOutputs.QUEUE_URL, "QUEUE_URL")
                    .orElseThrow(() -> usageError("redrive needs " + defaults.sources("--queue-url", "QUEUE_URL")));
            RedriveResult result = dlq.redrive(
                    queue, Optional.ofNullable(reason), max == null ? Integer.MAX_VALUE : max, dryRun, progress());
            result.coverage().notes(dlq.hold()).forEach(note -> err().println("dlq: note: " + note));
            if (result.arrived() > 0) {
                err().printf(
                                "dlq: note: %d messages were dead-lettered during the run and left for the next one"
                                        + " (a redriven message failing again comes back as a new one)%n",
                                result.arrived());
            }
            out().printf(
                            "redrive %s moved=%d skipped=%d failed=%d complete=%s%n",
                            dryRun ? "(dry run)" : "done",
                            result.moved(),
                            result.skipped(),
                            result.failed(),
                            result.coverage().complete());
            if (result.coverage().failed()) {
                return ExitCodes.FAILED;
            }
            return result.ok() ? ExitCodes.OK : ExitCodes.PROBLEM;
        }
    }
}
