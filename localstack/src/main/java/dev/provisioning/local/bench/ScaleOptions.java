package dev.provisioning.local.bench;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * How much {@code ./pipeline bench scale} measures ({@link ScaleBench}).
 *
 * @param small sign-ups of the first run
 * @param large sign-ups of the second run, on a pipeline of its own
 * @param warmup sign-ups before each measured run, on the same pipeline: they start the functions' instances, so that
 *     no cold start is in the measured figures
 * @param triggerMemoryMb the trigger's memory in infra, for its GB-seconds
 * @param provisionerMemoryMb the provisioner's memory in infra, for its GB-seconds
 * @param logDirectory where the component logs of each run go ({@code scale-<users>.log})
 * @param markdown where to append the table, or null
 * @param command the command line, as written in the table
 */
public record ScaleOptions(
        int small,
        int large,
        int warmup,
        int triggerMemoryMb,
        int provisionerMemoryMb,
        Path logDirectory,
        Path markdown,
        String command) {

    /** Both functions' memory in infra ({@code IngestTrigger} and {@code Provisioner}: {@code memorySize(1024)}). */
    static final int INFRA_MEMORY_MB = 1024;

    static final String USAGE = """
            usage: ./pipeline bench scale [--quick] [--small N] [--large N] [--warmup N]
                                          [--trigger-memory-mb N] [--provisioner-memory-mb N]
              --small N, --large N  sign-ups of the two runs (default 10000 and 20000; --quick: 100 and 200)
              --warmup N            sign-ups before each measured run, not measured (default 1000; --quick: 20)
              --*-memory-mb N       the functions' memory for GB-seconds (default infra's, 1024 each)
            """;

    public ScaleOptions {
        if (small < 1 || large < small || warmup < 0 || triggerMemoryMb < 128 || provisionerMemoryMb < 128) {
            throw new IllegalArgumentException("need 1 <= small <= large, warmup >= 0 and memory sizes of at least 128"
                    + " MB, got small=" + small + " large=" + large + " warmup=" + warmup + " trigger-memory-mb="
                    + triggerMemoryMb + " provisioner-memory-mb=" + provisionerMemoryMb);
        }
    }

    /** @throws IllegalArgumentException on an unknown option, a missing value or a value out of range */
    public static ScaleOptions parse(String[] args) {
        BenchArgs parsed = BenchArgs.parse(
                args,
                Set.of(
                        "small",
                        "large",
                        "warmup",
                        "trigger-memory-mb",
                        "provisioner-memory-mb",
                        "markdown",
                        "log-dir"));
        Map<String, String> values = parsed.values();
        boolean quick = parsed.quick();
        return new ScaleOptions(
                number(values, "small", quick ? 100 : 10_000),
                number(values, "large", quick ? 200 : 20_000),
                number(values, "warmup", quick ? 20 : 1_000),
                number(values, "trigger-memory-mb", INFRA_MEMORY_MB),
                number(values, "provisioner-memory-mb", INFRA_MEMORY_MB),
                Path.of(values.getOrDefault("log-dir", "target")),
                values.containsKey("markdown") ? Path.of(values.get("markdown")) : null,
                "./pipeline bench scale"
                        + (args.length == 0 ? "" : " " + String.join(" ", args))
                                .replaceAll(" --markdown \\S+", "")
                                .replaceAll(" --log-dir \\S+", ""));
    }

    private static int number(Map<String, String> values, String key, int defaultValue) {
        String value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " must be a whole number, got " + value, e);
        }
    }
}
