package dev.provisioning.local.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark's command line: {@code --quick}, and {@code --name value} pairs whose names the benchmark knows.
 *
 * @param quick whether {@code --quick} was given
 * @param values every {@code --name value}, by name without the dashes
 */
record BenchArgs(boolean quick, Map<String, String> values) {

    BenchArgs {
        values = Map.copyOf(values);
    }

    /** @throws IllegalArgumentException on an unknown option or a name without its value */
    static BenchArgs parse(String[] args, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        boolean quick = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                quick = true;
            } else if (args[i].startsWith("--") && known.contains(args[i].substring(2)) && i + 1 < args.length) {
                values.put(args[i].substring(2), args[++i]);
            } else if (args[i].startsWith("--") && known.contains(args[i].substring(2))) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            } else {
                throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        return new BenchArgs(quick, values);
    }
}
