package dev.provisioning.ops;

import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operations CLI ({@code ./pipeline trace ...}): dispatches to one {@link Command} per
 * subcommand. Works against any endpoint the standard SDK environment names ({@code AWS_REGION},
 * {@code AWS_ENDPOINT_URL_*}), real AWS or the local emulators.
 */
public final class OpsCli {

    private final Map<String, Command> commands = new LinkedHashMap<>();

    OpsCli(List<Command> commands) {
        commands.forEach(command -> this.commands.put(command.name(), command));
    }

    /** The CLI with every subcommand, reading its configuration from {@code settings}. */
    public static OpsCli create(Settings settings) {
        return new OpsCli(List.of(
                new TraceCommand(settings),
                new DlqCommand(settings),
                new ReconcileCommand(settings),
                new DoctorCommand(settings)));
    }

    public static void main(String[] args) {
        System.exit(create(Settings.fromEnvironment()).run(List.of(args), System.out, System.err));
    }

    /** Runs one subcommand and returns its exit code. */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
            usage(args.isEmpty() ? err : out);
            return args.isEmpty() ? 2 : 0;
        }
        Command command = commands.get(args.get(0));
        if (command == null) {
            err.println("ops: unknown command: " + args.get(0));
            usage(err);
            return 2;
        }
        return command.run(args.subList(1, args.size()), out, err);
    }

    private void usage(PrintStream out) {
        out.println("usage: ops <command> [options]");
        commands.values().forEach(command -> out.printf("  %-8s %s%n", command.name(), command.summary()));
    }
}
