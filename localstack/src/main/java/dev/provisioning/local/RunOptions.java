package dev.provisioning.local;

import dev.provisioning.local.chaos.Chaos;
import java.nio.file.Path;

/** The options of {@code ./pipeline local}, parsed from its command line; a mistake is a {@link UsageException}. */
record RunOptions(
        int users,
        boolean keepRunning,
        boolean verbose,
        Path logFile,
        Chaos chaos,
        int poison,
        LocalPipeline.SignUps signUps) {

    static final String USAGE = """
            usage: ./pipeline local [--users N] [--keep-running] [--verbose] [--log FILE]
                                    [--fault-rate R] [--lost-answer-rate R] [--crash-rate R] [--duplicates R]
                                    [--poison K] [--invoke-api]
              --users N        sign up and confirm N users through cognito-local (default 25)
              --invoke-api     no cognito-local: send the trigger Cognito's PostConfirmation events on the Lambda
                               host's Invoke API instead (for thousands of users; no reconcile, which needs Cognito)
              --fault-rate R   fraction of the functions' AWS calls that fail (throttling, 500, timeout, reset)
              --lost-answer-rate R
                               fraction of the functions' AWS calls the service performs but whose answer is
                               lost (the caller gets a 500, a timeout or a reset)
              --crash-rate R   fraction of the provisioner's AWS calls after which its process is killed
              --duplicates R   fraction of trigger invocations Cognito delivers twice
              --poison K       put K malformed messages on the queue
              --keep-running   after the summary, print the endpoints and wait (Ctrl-C stops everything)
              --verbose        print every component's log lines too (always written to --log)
              --log FILE       where component logs go (default target/pipeline-local.log)
            """;

    static RunOptions parse(String[] args) {
        int users = 25;
        boolean keepRunning = false;
        boolean verbose = false;
        Path logFile = Path.of("target", "pipeline-local.log");
        double faultRate = 0;
        double lostAnswerRate = 0;
        double crashRate = 0;
        double duplicates = 0;
        int poison = 0;
        LocalPipeline.SignUps signUps = LocalPipeline.SignUps.COGNITO_LOCAL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--users" -> users = positiveInt(args, ++i, "--users");
                case "--fault-rate" -> faultRate = rate(args, ++i, "--fault-rate");
                case "--lost-answer-rate" -> lostAnswerRate = rate(args, ++i, "--lost-answer-rate");
                case "--crash-rate" -> crashRate = rate(args, ++i, "--crash-rate");
                case "--duplicates" -> duplicates = rate(args, ++i, "--duplicates");
                case "--poison" -> poison = positiveInt(args, ++i, "--poison");
                case "--keep-running" -> keepRunning = true;
                case "--invoke-api" -> signUps = LocalPipeline.SignUps.INVOKE_API;
                case "--verbose" -> verbose = true;
                case "--log" -> logFile = Path.of(value(args, ++i, "--log"));
                case "-h", "--help" -> throw new UsageException(null);
                default -> throw new UsageException("unknown option " + args[i]);
            }
        }
        if (keepRunning && signUps == LocalPipeline.SignUps.INVOKE_API) {
            throw new UsageException("--keep-running needs cognito-local (./pipeline trace and reconcile read its"
                    + " pool): leave out --invoke-api");
        }
        return new RunOptions(
                users,
                keepRunning,
                verbose,
                logFile,
                new Chaos(faultRate, lostAnswerRate, crashRate, duplicates),
                poison,
                signUps);
    }

    private static double rate(String[] args, int index, String option) {
        String value = value(args, index, option);
        try {
            double parsed = Double.parseDouble(value);
            if (!(parsed >= 0 && parsed <= 1)) {
                throw new UsageException(option + " must be a fraction between 0 and 1, got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a fraction between 0 and 1, got " + value);
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static int positiveInt(String[] args, int index, String option) {
        String value = value(args, index, option);
        try {
            int parsed = Integer.parseInt(value);
            if (parsed < 0) {
                throw new UsageException(option + " must be 0 or more, got " + value);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new UsageException(option + " must be a whole number, got " + value);
        }
    }

    /** A command-line mistake; the message (if any) is printed above the usage. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }
}
