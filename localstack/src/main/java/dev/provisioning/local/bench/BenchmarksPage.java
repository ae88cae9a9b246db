package dev.provisioning.local.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * docs/benchmarks.md, one {@code ## } section per benchmark: a benchmark appends its run's table to the end of its own
 * section (created with its introduction the first time), and leaves every other section as it was. Every
 * {@code ./pipeline bench} writes its section through here.
 */
public final class BenchmarksPage {

    private BenchmarksPage() {}

    /** Appends {@code table} at the end of the section headed {@code heading} (e.g. {@code "## Decoupling"}). */
    public static void appendToSection(Path page, String heading, String intro, String table) throws IOException {
        String text = Files.exists(page) ? Files.readString(page) : "# Benchmarks\n";
        int start = text.indexOf("\n" + heading + "\n");
        String updated;
        if (start < 0) {
            updated = text.stripTrailing() + "\n\n" + heading + "\n\n" + intro.strip() + "\n\n" + table.strip() + "\n";
        } else {
            int next = text.indexOf("\n## ", start + heading.length() + 1);
            int end = next < 0 ? text.length() : next;
            updated = text.substring(0, end).stripTrailing() + "\n\n" + table.strip() + "\n"
                    + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(page, updated, StandardCharsets.UTF_8);
    }

    /**
     * Replaces one section of the page with {@code markdown}, a page of its own ({@code # Benchmarks}, then the
     * section from its {@code ## } heading): the section of that heading is replaced where it is, or appended.
     */
    public static void replaceSection(Path page, String markdown) throws IOException {
        int from = markdown.indexOf("\n## ");
        String section = from < 0 ? markdown : markdown.substring(from + 1);
        String heading = section.substring(0, section.indexOf('\n'));
        String text = Files.exists(page) ? Files.readString(page) : "";
        int start = text.indexOf("\n" + heading + "\n");
        String updated;
        if (start < 0) {
            updated = text.isBlank() ? markdown : text.stripTrailing() + "\n\n" + section;
        } else {
            int next = text.indexOf("\n## ", start + heading.length() + 1);
            updated = text.substring(0, start + 1) + section.stripTrailing() + "\n"
                    + (next < 0 ? "" : "\n" + text.substring(next + 1));
        }
        Files.writeString(page, updated, StandardCharsets.UTF_8);
    }

    /** The machine, as {@code N cores (nproc), CPU model}. */
    public static String machine() {
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            long cores = cpuinfo.stream().filter(l -> l.startsWith("processor")).count();
            String model = cpuinfo.stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("unknown CPU");
            return cores + " cores (nproc), " + model;
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " cores (availableProcessors)";
        }
    }

    /** The JDK the benchmark runs on, as {@code version (vendor)}. */
    public static String jdk() {
        return Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
    }
}
