package dev.provisioning.ops.cli;

import java.util.List;

/** The exit codes every operations command shares, so that a script can tell its outcomes apart. */
public final class ExitCodes {

    /** Done, nothing wrong found. */
    public static final int OK = 0;
    /** The command ran and found or left a problem (trace: the user is not fully provisioned). */
    public static final int PROBLEM = 1;
    /** Bad usage or configuration (an unknown option, a missing AWS_REGION). */
    public static final int USAGE = 2;
    /**
     * The command stopped before the end (an AWS call failed, or sends kept failing); what it did so far is printed.
     * For trace: a lookup failed and no verdict can be given.
     */
    public static final int FAILED = 3;

    /** The exit codes as the help texts print them, one element per line. */
    public static final List<String> TEXT = List.of(
            "exit codes: 0 ok; 1 a problem found or left (trace: user not fully provisioned;",
            "  dlq redrive, reconcile: some messages failed; doctor: a check failed);",
            "  2 bad usage or configuration; 3 stopped before the end (an AWS call failed,",
            "  or 10 sends in a row did; the counts so far are printed; trace: a lookup",
            "  failed, verdict INCOMPLETE)");

    private ExitCodes() {}
}
