package dev.provisioning.local.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each benchmark writes its own section of docs/benchmarks.md and leaves the others as they were. */
class BenchmarksPageTest {

    private static final String PAGE =
            "# Benchmarks\n\n## Trigger\n\nold trigger\n\n### sub\n\nmore\n\n## Decoupling\n\nintro\n\nrun 1\n";

    @Test
    void replaceSection_whenTheSectionExists_replacesItInPlaceAndKeepsTheNext(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("b.md"), PAGE);

        BenchmarksPage.replaceSection(page, "# Benchmarks\n\n## Trigger\n\nnew trigger\n");

        assertThat(Files.readString(page))
                .isEqualTo("# Benchmarks\n\n## Trigger\n\nnew trigger\n\n## Decoupling\n\nintro\n\nrun 1\n");
    }

    @Test
    void replaceSection_whenThePageIsMissing_writesTheWholePage(@TempDir Path dir) throws Exception {
        Path page = dir.resolve("b.md");

        BenchmarksPage.replaceSection(page, "# Benchmarks\n\n## Trigger\n\nnew\n");

        assertThat(Files.readString(page)).isEqualTo("# Benchmarks\n\n## Trigger\n\nnew\n");
    }

    @Test
    void appendToSection_whenTheSectionExists_appendsAtItsEndBeforeTheNextSection(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("b.md"), PAGE);

        BenchmarksPage.appendToSection(page, "## Trigger", "unused intro", "table 2");

        assertThat(Files.readString(page))
                .isEqualTo("# Benchmarks\n\n## Trigger\n\nold trigger\n\n### sub\n\nmore\n\ntable 2\n\n"
                        + "## Decoupling\n\nintro\n\nrun 1\n");
    }

    @Test
    void appendToSection_whenTheSectionIsNew_addsItWithItsIntroAtTheEnd(@TempDir Path dir) throws Exception {
        Path page = Files.writeString(dir.resolve("b.md"), PAGE);

        BenchmarksPage.appendToSection(page, "## Throughput", "what it measures", "table 1");

        assertThat(Files.readString(page)).isEqualTo(PAGE + "\n## Throughput\n\nwhat it measures\n\ntable 1\n");
    }
}
