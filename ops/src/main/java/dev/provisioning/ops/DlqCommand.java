package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dlq list | redrive}: what is on the dead-letter queue and why, and moving it back to the
 * provisioning queue once the cause is fixed. Redriving is safe: the provisioner is idempotent by
 * {@code userPoolId#sub}, so a message whose user was provisioned meanwhile changes nothing.
 */
public final class DlqCommand implements Command {

    private static final Set<String> LIST_OPTIONS = Set.of("--dlq-url", "--json");
    private static final Set<String> REDRIVE_OPTIONS =
            Set.of("--dlq-url", "--queue-url", "--reason", "--max", "--dry-run");

    private final Settings settings;

    public DlqCommand(Settings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "dlq";
    }

    @Override
    public String summary() {
        return "list [--json] | redrive [--dry-run] [--reason R] [--max N] [--queue-url URL], each [--dlq-url URL]"
                + "  inspect or redrive the dead-letter queue";
    }

    @Override
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (OpsCli.wantsHelp(args)) {
            out.println("usage: ops dlq " + summary());
            out.println("  --reason R matches failure.reason, or for RETRIES_EXHAUSTED the last attempt's reason");
            out.println("  (e.g. THROTTLED). Messages read are hidden for at most "
                    + DeadLetterQueue.DEFAULT_HOLD.toMinutes() + " minutes and made visible again when done.");
            out.print(OpsCli.EXIT_CODES);
            return OpsCli.OK;
        }
        Options options;
        try {
            options = Options.parse(args, settings);
        } catch (IllegalArgumentException | ConfigurationException e) {
            err.println("dlq: " + e.getMessage());
            err.println("usage: ops dlq " + summary());
            return OpsCli.USAGE;
        }
        try (OpsClients clients = OpsClients.create(settings, Optional.empty())) {
            DeadLetterQueue dlq = new DeadLetterQueue(clients.sqs(), options.deadLetterQueueUrl(), Clock.systemUTC());
            if (options.action().equals("list")) {
                DeadLetterQueue.Listing listing = dlq.list(err);
                if (options.json()) {
                    out.println(listing.toJson());
                } else {
                    listing.print(out);
                }
                return listing.coverage().failed() ? OpsCli.FAILED : OpsCli.OK;
            }
            DeadLetterQueue.RedriveResult result = dlq.redrive(
                    options.queueUrl().orElseThrow(), options.reason(), options.max(), options.dryRun(), err);
            result.coverage().notes(dlq.hold()).forEach(note -> err.println("dlq: note: " + note));
            if (result.arrived() > 0) {
                err.printf(
                        "dlq: note: %d messages were dead-lettered during the run and left for the next one"
                                + " (a redriven message failing again comes back as a new one)%n",
                        result.arrived());
            }
            out.printf(
                    "redrive %s moved=%d skipped=%d failed=%d complete=%s%n",
                    options.dryRun() ? "(dry run)" : "done",
                    result.moved(),
                    result.skipped(),
                    result.failed(),
                    result.coverage().complete());
            if (result.coverage().failed()) {
                return OpsCli.FAILED;
            }
            return result.ok() ? OpsCli.OK : OpsCli.PROBLEM;
        } catch (ConfigurationException e) {
            err.println("dlq: configuration: " + e.getMessage());
            return OpsCli.USAGE;
        } catch (RuntimeException e) {
            err.println("dlq: failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return OpsCli.FAILED;
        }
    }

    /** The parsed arguments. */
    record Options(
            String action,
            String deadLetterQueueUrl,
            Optional<String> queueUrl,
            Optional<String> reason,
            int max,
            boolean dryRun,
            boolean json) {

        static Options parse(List<String> args, Settings settings) {
            List<String> rest = new ArrayList<>(args);
            if (rest.isEmpty() || !(rest.get(0).equals("list") || rest.get(0).equals("redrive"))) {
                throw new IllegalArgumentException("say list or redrive");
            }
            String action = rest.remove(0);
            Set<String> allowed = action.equals("list") ? LIST_OPTIONS : REDRIVE_OPTIONS;
            String dlq = settings.optional("DLQ_URL").orElse(null);
            String queue = settings.optional("QUEUE_URL").orElse(null);
            String reason = null;
            int max = Integer.MAX_VALUE;
            boolean dryRun = false;
            boolean json = false;
            while (!rest.isEmpty()) {
                String option = rest.remove(0);
                if (option.startsWith("--")
                        && !allowed.contains(option)
                        && (LIST_OPTIONS.contains(option) || REDRIVE_OPTIONS.contains(option))) {
                    throw new IllegalArgumentException(option + " does not apply to dlq " + action);
                }
                switch (option) {
                    case "--dlq-url" -> dlq = value(option, rest);
                    case "--queue-url" -> queue = value(option, rest);
                    case "--reason" -> reason = value(option, rest);
                    case "--max" -> max = positive(option, value(option, rest));
                    case "--dry-run" -> dryRun = true;
                    case "--json" -> json = true;
                    default -> throw new IllegalArgumentException("unknown option " + option);
                }
            }
            if (dlq == null) {
                throw new IllegalArgumentException("--dlq-url (or DLQ_URL) is required");
            }
            if (action.equals("redrive") && queue == null) {
                throw new IllegalArgumentException("redrive needs --queue-url (or QUEUE_URL)");
            }
            return new Options(action, dlq, Optional.ofNullable(queue), Optional.ofNullable(reason), max, dryRun, json);
        }

        private static int positive(String option, String value) {
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < 1) {
                    throw new IllegalArgumentException(option + " must be at least 1, got " + value);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + " must be a whole number, got " + value);
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
