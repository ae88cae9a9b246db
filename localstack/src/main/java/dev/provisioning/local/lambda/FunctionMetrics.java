package dev.provisioning.local.lambda;

/**
 * A snapshot of one function's counters, for run summaries and assertions. Plain data.
 *
 * @param invocations completed synchronous and asynchronous invocations
 * @param coldStarts invocations that started a new instance
 * @param errors invocations that ended in a function error (including timeouts and crashes)
 * @param timeouts invocations that hit the function timeout
 * @param crashes invocations whose instance exited while running them
 */
public record FunctionMetrics(long invocations, long coldStarts, long errors, long timeouts, long crashes) {}
