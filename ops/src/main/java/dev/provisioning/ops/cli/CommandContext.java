package dev.provisioning.ops.cli;

import dev.provisioning.common.Settings;
import java.io.PrintStream;

/**
 * What every command runs with: the settings its defaults come from (the environment, or a test's map), the
 * streams it writes to (results to {@code out}, progress and errors to {@code err}), and whether a person watches
 * a terminal (then long work draws a progress bar instead of printing lines).
 */
public record CommandContext(Settings settings, PrintStream out, PrintStream err, boolean terminal) {

    /** Not on a terminal: progress as plain lines. */
    public CommandContext(Settings settings, PrintStream out, PrintStream err) {
        this(settings, out, err, false);
    }

    /** Progress reporting to {@code err}, as a bar on a terminal and as lines otherwise. */
    public Progress progress() {
        return terminal ? Progress.bar(err) : Progress.lines(err);
    }
}
