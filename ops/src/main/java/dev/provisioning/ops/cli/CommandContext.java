package dev.provisioning.ops.cli;

import dev.provisioning.common.Settings;
import java.io.PrintStream;

/**
 * What every command runs with: the settings its defaults come from (the environment, or a test's map) and the
 * streams it writes to (results to {@code out}, progress and errors to {@code err}).
 */
public record CommandContext(Settings settings, PrintStream out, PrintStream err) {}
