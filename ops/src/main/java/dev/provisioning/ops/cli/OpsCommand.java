package dev.provisioning.ops.cli;

import dev.provisioning.common.Settings;
import java.io.PrintStream;
import java.net.URI;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The base of every operations command: picocli parses the options into the subclass' fields, {@link #call()}
 * runs it and returns an {@link ExitCodes exit code}. An option left out falls back to the environment variable
 * its description names.
 */
public abstract class OpsCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--stack",
            paramLabel = "NAME",
            description = "read every option not given from this deployed stack's outputs (CloudFormation)")
    private String stack;

    private final CommandContext context;

    protected OpsCommand(CommandContext context) {
        this.context = context;
    }

    protected final Settings settings() {
        return context.settings();
    }

    protected final PrintStream out() {
        return context.out();
    }

    protected final PrintStream err() {
        return context.err();
    }

    /** Where long work reports how far it got (stderr: a bar on a terminal, lines otherwise). */
    protected final Progress progress() {
        return context.progress();
    }

    /** A usage error: picocli prints it with this command's usage and exits {@link ExitCodes#USAGE}. */
    protected final ParameterException usageError(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    /** Option defaults from {@code --stack}'s outputs and the environment; the stack is read on first need. */
    protected final StackDefaults defaults(OpsClients clients) {
        return new StackDefaults(settings(), Optional.ofNullable(stack), clients::cloudFormation);
    }

    /** The option's value, else the environment variable's, else empty. */
    protected final Optional<String> orEnvironment(String option, String variable) {
        return option != null ? Optional.of(option) : settings().optional(variable);
    }

    /** The option's URL, else the environment variable's (checked the same way), else empty. */
    protected final Optional<URI> orEnvironment(URI option, String variable) {
        if (option != null) {
            return Optional.of(option);
        }
        return settings().optional(variable).map(value -> {
            try {
                return AbsoluteUrl.parse(value);
            } catch (IllegalArgumentException e) {
                throw usageError(variable + ": " + e.getMessage());
            }
        });
    }
}
