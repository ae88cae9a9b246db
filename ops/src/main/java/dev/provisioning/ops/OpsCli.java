package dev.provisioning.ops;

import dev.provisioning.common.ConfigurationException;
import dev.provisioning.common.Settings;
import dev.provisioning.ops.cli.CommandContext;
import dev.provisioning.ops.cli.ExitCodes;
import dev.provisioning.ops.cli.Offline;
import dev.provisioning.ops.cli.VersionProvider;
import dev.provisioning.ops.dlq.DlqCommand;
import dev.provisioning.ops.doctor.DoctorCommand;
import dev.provisioning.ops.email.EmailCommand;
import dev.provisioning.ops.reconcile.ReconcileCommand;
import dev.provisioning.ops.trace.TraceCommand;
import java.io.Console;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The operations CLI ({@code ./pipeline doctor|reconcile|dlq|trace|email ...}): one picocli command with a subcommand
 * per task, typed options, generated help and completion. Works against any endpoint the standard SDK environment
 * names ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_*}): real AWS or the local emulators.
 */
public final class OpsCli {

    /** The name users type, which the help texts and the completion script use. */
    static final String NAME = "pipeline";

    private static final int USAGE_WIDTH = 100;

    private final Settings settings;

    private OpsCli(Settings settings) {
        this.settings = settings;
    }

    /** The CLI, reading defaults and AWS settings from {@code settings}. */
    public static OpsCli create(Settings settings) {
        return new OpsCli(settings);
    }

    public static void main(String[] args) {
        System.exit(create(Settings.fromEnvironment()).run(List.of(args), System.out, System.err, onTerminal()));
    }

    /** Runs one subcommand, reporting progress as lines, and returns its exit code. */
    public int run(List<String> args, PrintStream out, PrintStream err) {
        return run(args, out, err, false);
    }

    private int run(List<String> args, PrintStream out, PrintStream err, boolean terminal) {
        CommandLine cli = commandLine(new CommandContext(settings, out, err, terminal));
        if (args.isEmpty()) {
            cli.usage(cli.getErr());
            cli.getErr().flush();
            return ExitCodes.USAGE;
        }
        try {
            return cli.execute(args.toArray(String[]::new));
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /**
     * Whether a person is at a terminal. Up to JDK 21 {@code System.console()} is null unless both ends are a
     * terminal; from 22 it may exist without one, and {@code Console.isTerminal()} (absent from the 21 API this
     * build targets, hence looked up) says.
     */
    private static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    private CommandLine commandLine(CommandContext context) {
        CommandLine cli = new CommandLine(new Top())
                .addSubcommand(new DoctorCommand(context))
                .addSubcommand(new ReconcileCommand(context))
                .addSubcommand(DlqCommand.commandLine(context))
                .addSubcommand(new TraceCommand(context))
                .addSubcommand(EmailCommand.commandLine(context))
                .addSubcommand(new CommandLine.HelpCommand());
        cli.addSubcommand(new Completion(cli));
        cli.setOut(new PrintWriter(context.out(), true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(context.err(), true, StandardCharsets.UTF_8));
        cli.setParameterExceptionHandler(OpsCli::usageError);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            command.getErr()
                    .println(qualifiedName(command) + ": failed: "
                            + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCodes.FAILED;
        });
        cli.setExecutionStrategy(this::execute);
        headings(cli);
        return cli;
    }

    /** Every command needs the AWS settings: checked once here, so a missing region is exit 2 everywhere. */
    private int execute(ParseResult parsed) {
        Integer help = CommandLine.executeHelpRequest(parsed);
        if (help != null) {
            return help;
        }
        ParseResult leaf = parsed;
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
        }
        Object command = leaf.commandSpec().userObject();
        CommandLine commandLine = leaf.commandSpec().commandLine();
        if (command instanceof Top) {
            commandLine.usage(commandLine.getErr());
            return ExitCodes.USAGE;
        }
        if (!(command instanceof CommandLine.HelpCommand
                || command instanceof Completion
                || command instanceof Offline)) {
            try {
                settings.aws();
            } catch (ConfigurationException e) {
                commandLine.getErr().println(qualifiedName(commandLine) + ": configuration: " + e.getMessage());
                return ExitCodes.USAGE;
            }
        }
        return new CommandLine.RunLast().execute(parsed);
    }

    /** A usage error, worded the same for every command: what is wrong, then that command's usage. */
    private static int usageError(ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        PrintWriter err = command.getErr();
        if (e instanceof UnmatchedArgumentException unmatched
                && command.getCommandSpec().userObject() instanceof Top
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-")) {
            err.println(NAME + ": unknown command: " + unmatched.getUnmatched().get(0));
        } else if (e instanceof UnmatchedArgumentException unmatched && appliesToSibling(command, unmatched)) {
            err.println(qualifiedName(command) + ": " + unmatched.getUnmatched().get(0) + " does not apply to "
                    + command.getCommandSpec().qualifiedName(" ").substring(NAME.length() + 1));
        } else {
            err.println(qualifiedName(command) + ": " + e.getMessage());
        }
        command.usage(err);
        return ExitCodes.USAGE;
    }

    /** An option that a sibling subcommand takes (dlq list vs. dlq redrive): worth saying so, not just "unknown". */
    private static boolean appliesToSibling(CommandLine command, UnmatchedArgumentException unmatched) {
        CommandLine parent = command.getParent();
        if (parent == null || unmatched.getUnmatched().isEmpty()) {
            return false;
        }
        String option = unmatched.getUnmatched().get(0);
        return parent.getSubcommands().values().stream()
                .filter(sibling -> sibling != command)
                .anyMatch(sibling -> sibling.getCommandSpec().findOption(option) != null);
    }

    private static String qualifiedName(CommandLine command) {
        return command.getCommandSpec().qualifiedName(" ");
    }

    /** One look for every help text: "usage:" as the scripts grep for it, and the exit codes at the end. */
    private static void headings(CommandLine command) {
        CommandSpec spec = command.getCommandSpec();
        spec.usageMessage().width(USAGE_WIDTH);
        spec.usageMessage().synopsisHeading("usage: ");
        spec.usageMessage().commandListHeading("commands:%n");
        spec.usageMessage().optionListHeading("options:%n");
        if (spec.usageMessage().footer().length == 0 && !(spec.userObject() instanceof CommandLine.HelpCommand)) {
            spec.usageMessage().footer(ExitCodes.TEXT.toArray(String[]::new));
        }
        command.getSubcommands().values().forEach(OpsCli::headings);
    }

    @Command(
            name = NAME,
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class,
            description = "Operations on the provisioning pipeline: prove the wiring, heal users, inspect the DLQ.")
    static final class Top {}

    /** {@code completion}: a bash completion script for these commands, generated from their definitions. */
    @Command(
            name = "completion",
            description = "Print a bash completion script: source <(./pipeline completion)",
            mixinStandardHelpOptions = true,
            versionProvider = VersionProvider.class)
    static final class Completion implements Runnable {

        private final CommandLine root;

        Completion(CommandLine root) {
            this.root = root;
        }

        @Override
        public void run() {
            root.getOut().print(AutoComplete.bash(NAME, root));
            root.getOut().flush();
        }
    }
}
