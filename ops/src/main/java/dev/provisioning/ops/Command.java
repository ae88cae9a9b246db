package dev.provisioning.ops;

import java.io.PrintStream;
import java.util.List;

/** One subcommand of {@link OpsCli}; each lives in its own class and owns the clients it builds. */
public interface Command {

    /** The word that selects it, e.g. {@code trace}. */
    String name();

    /** One line for the usage text. */
    String summary();

    /**
     * Runs with the arguments after the subcommand's name.
     *
     * @return the process exit code: 0 done, 1 found a problem, 2 bad usage
     */
    int run(List<String> args, PrintStream out, PrintStream err);
}
