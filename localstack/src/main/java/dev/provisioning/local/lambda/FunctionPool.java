package dev.provisioning.local.lambda;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The instances of one function: reuses idle ones, starts new ones up to the function's concurrency, makes the rest
 * wait. Owns its sandboxes; closed by {@link LocalLambdaHost}.
 */
final class FunctionPool implements AutoCloseable {

    final FunctionSpec spec;
    final String functionArn;
    private final HostConfig host;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    // Most recently used first: keeps a few instances warm instead of spreading work over all of them.
    private final Deque<Sandbox> idle = new ArrayDeque<>();
    private final Set<Sandbox> live = new HashSet<>();
    private final List<Sandbox> closing = new ArrayList<>();
    private int starting;
    private int nextNumber = 1;
    private boolean closed;

    private final LongAdder invocations = new LongAdder();
    private final LongAdder coldStarts = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final LongAdder crashes = new LongAdder();
    private final LongAdder billedMillis = new LongAdder();

    FunctionPool(FunctionSpec spec, HostConfig host) {
        this.spec = spec;
        this.host = host;
        this.functionArn = host.functionArn(spec.name());
    }

    InvocationResult invoke(String requestId, byte[] payload) throws InterruptedException {
        long start = System.nanoTime();
        Sandbox sandbox = acquire(requestId);
        boolean cold = sandbox.isColdStart();
        Invocation.Outcome outcome;
        long inSandbox = System.nanoTime();
        try {
            outcome = sandbox.invoke(new Invocation(requestId, functionArn, payload, spec.timeout()));
        } finally {
            release(sandbox);
        }
        long end = System.nanoTime();
        Duration duration = Duration.ofNanos(end - start);
        count(outcome, cold, billedMillis(end - inSandbox));
        host.logSink()
                .accept("[%s] REPORT RequestId: %s Duration: %.2f ms%s%s"
                        .formatted(
                                sandbox.label,
                                requestId,
                                duration.toNanos() / 1e6,
                                cold ? " (cold start)" : "",
                                outcome.isError() ? " Error: " + outcome.errorType() : ""));
        return new InvocationResult(
                outcome.payload(), outcome.isError(), outcome.errorType(), duration, requestId, cold, sandbox.label);
    }

    /**
     * What Lambda bills for an invocation: its time in the sandbox (a cold start's boot and init included, as Lambda
     * bills the init phase since August 2025; the wait for a free instance not), rounded up to the millisecond.
     */
    static long billedMillis(long nanos) {
        return Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    private void count(Invocation.Outcome outcome, boolean cold, long billed) {
        invocations.increment();
        billedMillis.add(billed);
        if (cold) {
            coldStarts.increment();
        }
        if (outcome.isError()) {
            errors.increment();
        }
        switch (outcome.kind()) {
            case TIMEOUT -> timeouts.increment();
            case EXIT -> crashes.increment();
            default -> {}
        }
    }

    private Sandbox acquire(String requestId) throws InterruptedException {
        int number;
        long remaining = host.acquireTimeout().toNanos();
        lock.lockInterruptibly();
        try {
            while (true) {
                if (closed) {
                    throw LambdaHostException.serviceError(
                            "Host is closing; request " + requestId + " to " + spec.name() + " not run", null);
                }
                for (Sandbox sandbox; (sandbox = idle.pollFirst()) != null; ) {
                    if (sandbox.isAlive()) {
                        return sandbox;
                    }
                    live.remove(sandbox);
                    closeLater(sandbox);
                }
                if (live.size() + starting < spec.maxConcurrency()) {
                    starting++;
                    number = nextNumber++;
                    break;
                }
                if (remaining <= 0) {
                    throw LambdaHostException.throttled(
                            spec.name(), requestId, host.acquireTimeout().toMillis());
                }
                remaining = released.awaitNanos(remaining);
            }
        } finally {
            lock.unlock();
        }
        return launch(number, requestId);
    }

    private Sandbox launch(int number, String requestId) {
        Sandbox sandbox;
        try {
            sandbox = Sandbox.launch(spec, number, host);
        } catch (IOException | RuntimeException e) {
            launchEnded(null);
            throw LambdaHostException.serviceError(
                    "Could not start instance " + spec.name() + "#" + number + " for request " + requestId, e);
        }
        if (!launchEnded(sandbox)) {
            try {
                sandbox.close();
            } finally {
                launchEnded(null);
            }
            throw LambdaHostException.serviceError(
                    "Host closed while starting " + sandbox.label + " for request " + requestId, null);
        }
        return sandbox;
    }

    /**
     * Adds a started instance to the pool, or records a failed start. If the pool closed meanwhile the instance stays
     * counted as starting, so that close() waits until the launcher has shut it down.
     *
     * @return whether the instance joined the pool
     */
    private boolean launchEnded(Sandbox sandbox) {
        lock.lock();
        try {
            if (sandbox != null && closed) {
                return false;
            }
            starting--;
            released.signalAll();
            if (sandbox != null) {
                live.add(sandbox);
            }
            return sandbox != null;
        } finally {
            lock.unlock();
        }
    }

    private void release(Sandbox sandbox) {
        boolean reusable;
        lock.lock();
        try {
            reusable = !closed && sandbox.isAlive();
            if (reusable) {
                idle.addFirst(sandbox);
            } else {
                live.remove(sandbox);
            }
            released.signal();
        } finally {
            lock.unlock();
        }
        if (!reusable) {
            closeLater(sandbox);
        }
    }

    /** Dead or timed-out instances are replaced lazily; shutting them down must not delay the caller. */
    private static void closeLater(Sandbox sandbox) {
        Thread.ofVirtual().name("close-" + sandbox.label).start(sandbox::close);
    }

    /** Kills one instance, preferring one that is running an invocation. */
    boolean killOne() {
        Sandbox victim;
        lock.lock();
        try {
            victim = live.stream().filter(s -> !idle.contains(s)).findFirst().orElse(idle.peekFirst());
        } finally {
            lock.unlock();
        }
        if (victim == null) {
            return false;
        }
        host.logSink().accept("[" + victim.label + "] killed on request");
        victim.kill();
        return true;
    }

    List<ProcessHandle> processes() {
        lock.lock();
        try {
            return live.stream().map(Sandbox::processHandle).toList();
        } finally {
            lock.unlock();
        }
    }

    FunctionMetrics metrics() {
        return new FunctionMetrics(
                invocations.sum(), coldStarts.sum(), errors.sum(), timeouts.sum(), crashes.sum(), billedMillis.sum());
    }

    /** Marks the pool closed and asks every instance to exit, without waiting; lets a host stop all pools at once. */
    void beginClose() {
        List<Sandbox> stopping;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing.addAll(live);
            stopping = List.copyOf(closing);
            live.clear();
            idle.clear();
            released.signalAll();
        } finally {
            lock.unlock();
        }
        stopping.forEach(Sandbox::stop);
    }

    /** Stops every instance, escalating to SIGKILL for any that does not exit within a few seconds. */
    @Override
    public void close() {
        beginClose();
        List<Sandbox> stopping;
        lock.lock();
        try {
            stopping = List.copyOf(closing);
        } finally {
            lock.unlock();
        }
        stopping.forEach(Sandbox::close);
        awaitLaunches(Duration.ofSeconds(15));
    }

    /** An instance started during close() is shut down by its launcher; wait for that so none outlives close(). */
    private void awaitLaunches(Duration timeout) {
        boolean interrupted = false;
        long remaining = timeout.toNanos();
        lock.lock();
        try {
            while (starting > 0 && remaining > 0) {
                try {
                    remaining = released.awaitNanos(remaining);
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
