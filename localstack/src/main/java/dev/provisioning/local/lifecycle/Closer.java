package dev.provisioning.local.lifecycle;

import java.util.ArrayList;
import java.util.List;

/**
 * What a harness part started, stopped in reverse order: the last started is the first stopped, so nothing is
 * stopped while something started after it may still use it. Every registered resource is closed even when an
 * earlier close fails; the first failure is the cause of the one exception thrown, the others are suppressed on it.
 * Safe after a partial start and idempotent: a resource is closed at most once.
 */
public final class Closer implements AutoCloseable {

    private final String what;
    private final List<AutoCloseable> started = new ArrayList<>();

    /** @param what what is stopped, for the failure message: "Could not stop {@code what}" */
    public Closer(String what) {
        this.what = what;
    }

    /** Registers {@code resource} to be closed; returns it, so a start can be wrapped in place. */
    public <T extends AutoCloseable> T register(T resource) {
        synchronized (started) {
            started.add(resource);
        }
        return resource;
    }

    /**
     * Closes every registered resource, last registered first.
     *
     * @throws IllegalStateException when a close failed: its cause is the first failure, the others are suppressed
     */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (started) {
            toClose = List.copyOf(started);
            started.clear();
        }
        IllegalStateException failure = null;
        for (AutoCloseable resource : toClose.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                if (failure == null) {
                    failure = new IllegalStateException("Could not stop " + what, e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
