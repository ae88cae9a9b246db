package dev.provisioning.common;

import java.util.ArrayList;
import java.util.List;

/** SQS's batch calls (SendMessageBatch, DeleteMessageBatch, ChangeMessageVisibilityBatch) take 10 entries at most. */
public final class SqsBatches {

    /** The most entries one batch call takes. */
    public static final int MAX_ENTRIES = 10;

    private SqsBatches() {}

    /** {@code entries} in order, cut into runs of at most {@value #MAX_ENTRIES}; empty for no entries. */
    public static <T> List<List<T>> partition(List<T> entries) {
        List<List<T>> batches = new ArrayList<>((entries.size() + MAX_ENTRIES - 1) / MAX_ENTRIES);
        for (int from = 0; from < entries.size(); from += MAX_ENTRIES) {
            batches.add(List.copyOf(entries.subList(from, Math.min(entries.size(), from + MAX_ENTRIES))));
        }
        return batches;
    }
}
