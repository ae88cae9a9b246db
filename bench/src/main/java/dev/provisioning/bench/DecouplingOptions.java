package dev.provisioning.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What to run.
 *
 * @param rate sign-ups per second
 * @param count sign-ups per condition
 * @param warmup invocations before the first condition, downstream healthy
 * @param slowMs latency added to each downstream call in the slow condition
 * @param runs how many times the whole set runs (medians and min–max across them)
 * @param markdown the page the table is appended to, or null
 * @param command the command line to show in the table
 */
public record DecouplingOptions(
        double rate, int count, int warmup, long slowMs, int runs, Path markdown, String command) {

    static DecouplingOptions parse(String[] args) {
        double rate = 10;
        int count = 150;
        int warmup = 100;
        long slowMs = 500;
        int runs = 3;
        Path markdown = null;
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> {
                    count = 30;
                    warmup = 30;
                    runs = 1;
                    shown.add(arg);
                }
                case "--rate" -> rate = Double.parseDouble(shown(shown, arg, args[++i]));
                case "--count" -> count = Integer.parseInt(shown(shown, arg, args[++i]));
                case "--warmup" -> warmup = Integer.parseInt(shown(shown, arg, args[++i]));
                case "--slow-ms" -> slowMs = Long.parseLong(shown(shown, arg, args[++i]));
                case "--runs" -> runs = Integer.parseInt(shown(shown, arg, args[++i]));
                case "--markdown" -> markdown = Path.of(args[++i]);
                default ->
                    throw new IllegalArgumentException("unknown option: " + arg
                            + " (known: --quick --rate N --count N --warmup N --slow-ms N --runs N)");
            }
        }
        if (rate <= 0 || count < 1 || warmup < 0 || slowMs < 0 || runs < 1) {
            throw new IllegalArgumentException(
                    "rate, count and runs must be positive; warmup and slow-ms not" + " negative");
        }
        String command = String.join(" ", "./pipeline bench decoupling", String.join(" ", shown))
                .trim();
        return new DecouplingOptions(rate, count, warmup, slowMs, runs, markdown, command);
    }

    private static String shown(List<String> shown, String option, String value) {
        shown.add(option + " " + value);
        return value;
    }
}
