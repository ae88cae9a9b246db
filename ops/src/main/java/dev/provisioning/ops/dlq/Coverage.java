package dev.provisioning.ops.dlq;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How much of the queue a scan saw.
 *
 * @param seen distinct messages received
 * @param approximateDepth {@code ApproximateNumberOfMessages} before the scan, -1 when unreadable
 * @param stoppedEarly why the scan stopped before the end of the queue, empty when it did not
 * @param unreleased hidden messages that could not be made visible again (they reappear when the hold ends)
 * @param failed true when it stopped early because of an error (a receive, or too many failed sends)
 */
public record Coverage(int seen, int approximateDepth, Optional<String> stoppedEarly, int unreleased, boolean failed) {

    boolean complete() {
        return stoppedEarly.isEmpty();
    }

    public List<String> notes(Duration hold) {
        List<String> notes = new ArrayList<>();
        stoppedEarly.ifPresent(why -> notes.add(String.format(
                Locale.ROOT,
                "saw %d of about %s messages: %s; run again for the rest",
                seen,
                approximateDepth < 0 ? "?" : Integer.toString(approximateDepth),
                why)));
        if (unreleased > 0) {
            notes.add(unreleased + " messages could not be made visible again; they reappear within " + hold.toSeconds()
                    + " s");
        }
        return notes;
    }
}
