package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The operations CLI ({@code ./pipeline trace ...}): dispatches to one {@link Command} per
 * subcommand. Works against any endpoint the standard SDK environment names ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_*}), real AWS or the local emulators.
 */
public final class OpsCli {

    /** Exit code: done, nothing wrong found. */
    static final int OK = 0;
    /** Exit code: the command ran and found or left a problem (trace: the user is not fully provisioned). */
    static final int PROBLEM = 1;
    /** Exit code: bad usage or configuration (an unknown option, a missing AWS_REGION). */
    static final int USAGE = 2;
    /**
     * Exit code: the command stopped before the end (an AWS call failed, or sends kept failing); what
     * it did so far is printed. For trace: a lookup failed and no verdict can be given.
     */
    static final int FAILED = 3;

    static final String EXIT_CODES = """
            exit codes: 0 ok; 1 a problem found or left (trace: user not fully provisioned; dlq redrive,
              reconcile: some messages failed; doctor: a check failed); 2 bad usage or configuration;
              3 stopped before the end (an AWS call failed, or 10 sends in a row did; the counts so far
              are printed; trace: a lookup failed, verdict INCOMPLETE)
            """;

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Optional<Settings> settings;

    OpsCli(List<Command> commands) {
        this(commands, Optional.empty());
    }

    private OpsCli(List<Command> commands, Optional<Settings> settings) {
        commands.forEach(command -> this.commands.put(command.name(), command));
        this.settings = settings;
    }

    /** The CLI with every subcommand, reading its configuration from {@code settings}. */
    public static OpsCli create(Settings settings) {
        return new OpsCli(
                List.of(
                        new TraceCommand(settings),
                        new DlqCommand(settings),
                        new ReconcileCommand(settings),
                        new DoctorCommand(settings)),
                Optional.of(settings));
    }

    public static void main(String[] args) {
        System.exit(create(Settings.fromEnvironment()).run(List.of(args), System.out, System.err));
    }

    /** Runs one subcommand and returns its exit code. */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("help") || wantsHelp(args.subList(0, 1))) {
            usage(args.isEmpty() ? err : out);
            return args.isEmpty() ? USAGE : OK;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            err.println("ops: unknown command: " + args.get(0));
            usage(err);
            return USAGE;
        }
        List<String> rest = args.subList(1, args.size());
        if (!wantsHelp(rest) && settings.isPresent()) {
            // Every command needs the AWS settings; checked here once so that a missing region is a
            // configuration error (exit 2) in every command, not a failed AWS call.
            try {
                settings.get().aws();
            } catch (ConfigurationException e) {
                err.println("ops " + command.name() + ": configuration: " + e.getMessage());
                return USAGE;
            }
        }
        return command.run(rest, out, err);
    }

    /** True when the arguments ask for help ({@code --help} or {@code -h} anywhere). */
    static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    private void usage(PrintStream out) {
        out.println("usage: ops <command> [options]   (ops <command> --help for its options)");
        commands.values().forEach(command -> out.printf("  %-9s %s%n", command.name(), command.summary()));
        out.print(EXIT_CODES);
    }
}
