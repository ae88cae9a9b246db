package dev.provisioning.ops.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void lines_whenNotOnATerminal_printOneLinePerUpdateAndNoteWithoutControlCharacters() {
        Progress progress = Progress.lines(out);

        progress.update(100, 400, "  scanned 100/~400: moved 100");
        progress.note("dlq: message m-1: send failed");
        progress.update(200, 400, "  scanned 200/~400: moved 199");
        progress.done();

        assertThat(text())
                .isEqualTo("  scanned 100/~400: moved 100\ndlq: message m-1: send failed\n"
                        + "  scanned 200/~400: moved 199\n")
                .doesNotContain("\r", "\u001b");
    }

    @Test
    void bar_onATerminal_redrawsOneLineKeepsNotesAndEndsWithANewline() {
        Progress progress = Progress.bar(out);

        progress.update(100, 400, "scanned");
        progress.note("dlq: message m-1: send failed");
        progress.update(400, 400, "scanned");
        progress.done();

        String text = text();
        assertThat(text)
                .contains("\r\u001b[2K[#######.......................] 100/~400  scanned")
                .contains("\r\u001b[2Kdlq: message m-1: send failed\n")
                .contains("[##############################] 400/~400  scanned")
                .endsWith("\n");
        // Only the note and the end make new lines: the bar itself is redrawn in place.
        assertThat(text.chars().filter(c -> c == '\n')).hasSize(2);
    }

    @Test
    void bar_whenTheTotalIsUnknownOrSmallerThanDone_showsACountOrAFullBar() {
        Progress progress = Progress.bar(out);

        progress.update(180, -1, "listed 180");
        progress.update(9, 3, "more than the estimate");

        assertThat(text()).contains("180  listed 180").contains("[##############################] 9/~3");
    }

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
