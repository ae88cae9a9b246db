package dev.provisioning.local.lambda;

/**
 * A snapshot of one function's counters, for run summaries and assertions. Plain data.
 *
 * @param invocations completed synchronous and asynchronous invocations
 * @param coldStarts invocations that started a new instance
 * @param errors invocations that ended in a function error (including timeouts and crashes)
 * @param timeouts invocations that hit the function timeout
 * @param crashes invocations whose instance exited while running them
 * @param billedMillis the invocations' billed durations summed: each one's time in its instance (a cold start's boot
 *     and init included, the wait for a free instance not), rounded up to the millisecond as Lambda bills
 */
public record FunctionMetrics(
        long invocations, long coldStarts, long errors, long timeouts, long crashes, long billedMillis) {

    /** What happened between {@code earlier} (a snapshot of the same function) and this snapshot. */
    public FunctionMetrics since(FunctionMetrics earlier) {
        return new FunctionMetrics(
                invocations - earlier.invocations,
                coldStarts - earlier.coldStarts,
                errors - earlier.errors,
                timeouts - earlier.timeouts,
                crashes - earlier.crashes,
                billedMillis - earlier.billedMillis);
    }
}
