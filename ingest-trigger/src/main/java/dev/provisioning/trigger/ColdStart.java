package dev.provisioning.trigger;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * How long Cognito's 5-second clock may already have been running when an invocation begins.
 * Cognito starts waiting when it calls Invoke; on a cold start Lambda first runs the sandbox's init
 * (or a SnapStart restore) and only then starts the invocation, whose remaining time therefore says
 * nothing about the init. So the first invocation of a sandbox also charges the time since the
 * sandbox started.
 *
 * <p>Only when init ran while Cognito waited: if the first event arrives more than {@link
 * #MAX_READY_TO_INVOKE} after init finished, the sandbox was initialised ahead of the request
 * (provisioned concurrency, Lambda's proactive initialisation, a restore done in advance) and
 * nothing is charged. Created and reset by {@link TriggerRuntime}; safe to share between threads.
 */
final class ColdStart {

    /** Cognito waits this long for a trigger, cold start included; it cannot be changed. */
    static final Duration COGNITO_TIMEOUT = Duration.ofSeconds(5);

    /**
     * The longest gap between the end of init and the first event for which init still counts as
     * part of Cognito's wait. A synchronous cold start hands the waiting event over within
     * milliseconds; erring long only makes the first budget smaller, never too large.
     */
    static final Duration MAX_READY_TO_INVOKE = Duration.ofSeconds(1);

    /** Linux reports process start times in clock ticks of 1/100 s (USER_HZ, fixed by the kernel ABI). */
    private static final long MILLIS_PER_TICK = 10;

    private long startedAtMillis;
    private long readyAtMillis;
    private boolean pending;

    private ColdStart(long startedAtMillis, long readyAtMillis, boolean pending) {
        this.startedAtMillis = startedAtMillis;
        this.readyAtMillis = readyAtMillis;
        this.pending = pending;
    }

    /** A sandbox whose init began at {@code startedAtMillis} (epoch ms) and is still running. */
    static ColdStart startedAt(long startedAtMillis) {
        return new ColdStart(startedAtMillis, startedAtMillis, true);
    }

    /** Nothing to charge: a warm sandbox, or a caller that is not a Lambda sandbox. */
    static ColdStart none() {
        return new ColdStart(0, 0, false);
    }

    /** Init (or restore) finished at {@code nowMillis}. */
    synchronized void ready(long nowMillis) {
        readyAtMillis = nowMillis;
    }

    /** A SnapStart restore began at {@code restoredAtMillis}: the next invocation is a first one again. */
    synchronized void restarted(long restoredAtMillis) {
        startedAtMillis = restoredAtMillis;
        readyAtMillis = restoredAtMillis;
        pending = true;
    }

    /**
     * For the first invocation after init or restore, the time since the sandbox started, if init
     * ended at most {@link #MAX_READY_TO_INVOKE} before {@code nowMillis}; zero otherwise, and for
     * every later invocation.
     */
    synchronized Duration takeElapsed(long nowMillis) {
        if (!pending) {
            return Duration.ZERO;
        }
        pending = false;
        if (nowMillis - readyAtMillis > MAX_READY_TO_INVOKE.toMillis()) {
            return Duration.ZERO;
        }
        return Duration.ofMillis(Math.max(0, nowMillis - startedAtMillis));
    }

    /**
     * When this process started, in epoch milliseconds: from {@code /proc} on Linux (where Lambda
     * runs), which sees the JVM's own start and the runtime client's, both before any class of ours
     * loads; else {@code nowMillis}, the earliest moment our code runs. Costs two small file reads
     * (about a millisecond), where {@code RuntimeMXBean.getStartTime()} loads the management classes
     * (measured at 70-85 ms and 160 classes on a cold JVM).
     */
    static long processStartMillis(long nowMillis) {
        try {
            long since = millisSinceStart(read("/proc/self/stat"), read("/proc/uptime"));
            return since >= 0 ? nowMillis - since : nowMillis;
        } catch (IOException | RuntimeException e) {
            return nowMillis;
        }
    }

    /**
     * Milliseconds since the process started, from the text of {@code /proc/self/stat} (field 22,
     * {@code starttime}, in clock ticks since boot) and {@code /proc/uptime} (seconds since boot),
     * or -1 if either is not in the expected form.
     */
    static long millisSinceStart(String stat, String uptime) {
        // The command name (field 2) is in parentheses and may itself hold spaces and parentheses.
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            return -1;
        }
        int position = end + 1;
        // Walk the fields after it (3, 4, ...) up to starttime, field 22.
        for (int field = 3; field <= 22; field++) {
            while (position < stat.length() && stat.charAt(position) == ' ') {
                position++;
            }
            int start = position;
            while (position < stat.length() && stat.charAt(position) != ' ') {
                position++;
            }
            if (start == position) {
                return -1;
            }
            if (field == 22) {
                long ticks = Long.parseLong(stat, start, position, 10);
                long uptimeMillis = uptimeMillis(uptime);
                return uptimeMillis < 0 ? -1 : uptimeMillis - ticks * MILLIS_PER_TICK;
            }
        }
        return -1;
    }

    /** {@code "12345.67 ..."} as milliseconds, or -1. */
    private static long uptimeMillis(String uptime) {
        int dot = uptime.indexOf('.');
        int space = uptime.indexOf(' ');
        if (dot <= 0 || space < dot) {
            return -1;
        }
        long seconds = Long.parseLong(uptime, 0, dot, 10);
        long fraction = 0;
        int digits = 0;
        for (int i = dot + 1; i < space && digits < 3; i++, digits++) {
            int digit = Character.digit(uptime.charAt(i), 10);
            if (digit < 0) {
                return -1;
            }
            fraction = fraction * 10 + digit;
        }
        for (; digits < 3; digits++) {
            fraction *= 10;
        }
        return seconds * 1000 + fraction;
    }

    private static String read(String path) throws IOException {
        try (InputStream in = new FileInputStream(path)) {
            return new String(in.readNBytes(1024), StandardCharsets.ISO_8859_1);
        }
    }
}
