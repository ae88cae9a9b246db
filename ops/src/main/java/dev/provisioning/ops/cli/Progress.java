package dev.provisioning.ops.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How long work reports how far it got: on a terminal one line redrawn in place, with a bar when the total is
 * known; otherwise (a pipe, a file, CI) plain lines, one per update, that a log keeps. Notes (a failed send, a
 * rejected filter) are always lines of their own.
 */
public abstract class Progress {

    /** Reports nothing. */
    public static final Progress NONE = new Progress() {
        @Override
        public void update(long done, long total, String line) {}

        @Override
        public void note(String line) {}

        @Override
        public void done() {}
    };

    /** Plain lines to {@code out}. */
    public static Progress lines(PrintStream out) {
        return new Lines(out);
    }

    /** One line redrawn in place on the terminal {@code out} writes to. */
    public static Progress bar(PrintStream out) {
        return new Bar(out);
    }

    /**
     * Reports that {@code done} of {@code total} items are done ({@code total} below 0: unknown); {@code line} says
     * the rest (counts by outcome).
     */
    public abstract void update(long done, long total, String line);

    /** A line that stays, e.g. one message's failure. */
    public abstract void note(String line);

    /** The work ended: a redrawn line is finished so the next output starts on its own line. */
    public abstract void done();

    private static final class Lines extends Progress {
        private final PrintStream out;

        Lines(PrintStream out) {
            this.out = out;
        }

        @Override
        public void update(long done, long total, String line) {
            out.println(line);
        }

        @Override
        public void note(String line) {
            out.println(line);
        }

        @Override
        public void done() {
            out.flush();
        }
    }

    private static final class Bar extends Progress {
        private static final int WIDTH = 30;
        // Carriage return, then ANSI "erase line": the next draw replaces the previous one.
        private static final String REDRAW = "\r\u001b[2K";

        private final PrintStream out;
        private String current = "";

        Bar(PrintStream out) {
            this.out = out;
        }

        @Override
        public void update(long done, long total, String line) {
            current = render(done, total, line.strip());
            out.print(REDRAW + current);
            out.flush();
        }

        @Override
        public void note(String line) {
            out.print(REDRAW);
            out.println(line);
            if (!current.isEmpty()) {
                out.print(current);
            }
            out.flush();
        }

        @Override
        public void done() {
            if (!current.isEmpty()) {
                out.println();
                current = "";
            }
            out.flush();
        }

        static String render(long done, long total, String line) {
            if (total <= 0) {
                return String.format(Locale.ROOT, "%d  %s", done, line);
            }
            long filled = Math.min(WIDTH, done * WIDTH / total);
            return String.format(
                    Locale.ROOT,
                    "[%s%s] %d/~%d  %s",
                    "#".repeat((int) filled),
                    ".".repeat(WIDTH - (int) filled),
                    done,
                    total,
                    line);
        }
    }
}
