package dev.provisioning.bench;

import dev.provisioning.local.chaos.FaultInjectingProxy;
import dev.provisioning.trigger.PostConfirmationHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One trigger under the three downstream conditions of {@code ./pipeline bench decoupling}, in its own JVM (the
 * product's trigger reads its configuration from the environment, as in Lambda). Sign-ups arrive at a fixed rate,
 * open loop, the three conditions taking turns in blocks of {@value #BLOCK}: each invocation starts at its scheduled time whether or not the earlier ones returned, as Cognito's
 * users do not wait for each other; its response time is measured from that scheduled time.
 *
 * <p>The downstream (DynamoDB and SES on moto, the user service) is reached through a {@link FaultInjectingProxy}
 * each, one set per condition: healthy, then {@code slowMs} more per call, then failing every call (throttling, a 500, a reset or a call
 * held past the timeouts, at random). The product's trigger ({@code ours}) only enqueues, so it never calls them;
 * the synchronous baseline ({@code sync}) calls all three inline.
 *
 * <p>Arguments: {@code ours|sync rate count warmup slowMs cutoffMs motoEndpoint userServiceEndpoint table sender firstEvent}.
 * Prints one line per condition: {@code PHASE condition=... n=... p50_ms=... p99_ms=... over_or_failed=...
 * failed=... unfinished=...}; an invocation still running at the cutoff counts as over it, with the cutoff as its time.
 */
public final class DecouplingProbe {

    /** The three conditions, in the order they run. */
    static final List<String> CONDITIONS = List.of("healthy", "slow", "failing");

    /** Invocations per condition before the next condition takes its turn. */
    private static final int BLOCK = 25;

    /** Invocations that prime the slow condition's baseline clients before it is measured. */
    private static final int SLOW_PRIMING = 2;

    private DecouplingProbe() {}

    /** One invocation: returns normally or throws, as the trigger would to Cognito. */
    @FunctionalInterface
    interface Trigger {
        void invoke(byte[] event) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        double rate = Double.parseDouble(args[1]);
        int count = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        Duration slow = Duration.ofMillis(Long.parseLong(args[4]));
        long cutoffMs = Long.parseLong(args[5]);
        URI moto = URI.create(args[6]);
        URI userService = URI.create(args[7]);
        String table = args[8];
        String sender = args[9];
        int firstEvent = Integer.parseInt(args[10]);

        Map<String, FaultInjectingProxy.Plan> plans = Map.of(
                "healthy", FaultInjectingProxy.Plan.none(),
                "slow", FaultInjectingProxy.Plan.latency(slow),
                "failing", new FaultInjectingProxy.Plan(1.0, 0, 0, 0, Duration.ofSeconds(20), null));
        List<FaultInjectingProxy> proxies = new ArrayList<>();
        try {
            Map<String, Trigger> triggers = new LinkedHashMap<>();
            for (String condition : CONDITIONS) {
                FaultInjectingProxy.Plan plan = plans.get(condition);
                FaultInjectingProxy dynamo = FaultInjectingProxy.start("dynamodb", moto, plan);
                FaultInjectingProxy ses = FaultInjectingProxy.start("ses", moto, plan);
                FaultInjectingProxy users = FaultInjectingProxy.start("user-service", userService, plan);
                proxies.addAll(List.of(dynamo, ses, users));
                triggers.put(condition, trigger(mode, dynamo, ses, users, table, sender));
            }
            int next = firstEvent;
            for (int i = 0; i < warmup; i++) {
                triggers.get("healthy").invoke(Probes.event(next++));
            }
            if (mode.equals("sync")) {
                // The slow condition's baseline has clients of its own: primed too, so that it is not measured cold.
                for (int i = 0; i < SLOW_PRIMING; i++) {
                    triggers.get("slow").invoke(Probes.event(firstEvent + 90_000 + i));
                }
            }
            // The conditions take turns in blocks, so that drift on the machine (other work, a GC) hits all three.
            Map<String, Samples> samples = new LinkedHashMap<>();
            CONDITIONS.forEach(condition -> samples.put(condition, new Samples()));
            for (int done = 0; done < count; done += BLOCK) {
                int size = Math.min(BLOCK, count - done);
                for (String condition : CONDITIONS) {
                    samples.get(condition).add(drive(triggers.get(condition), next, rate, size, cutoffMs));
                    next += size;
                }
            }
            for (String condition : CONDITIONS) {
                System.out.println("PHASE condition=" + condition + " "
                        + samples.get(condition).summary());
                System.out.flush();
            }
        } finally {
            proxies.forEach(FaultInjectingProxy::close);
        }
        System.out.flush();
        // Invocations of the failing baseline may still hang on a held call; they are over the cutoff already.
        System.exit(0);
    }

    /**
     * The trigger of {@code mode} with its downstream behind the given proxies: the product's (which never calls
     * them; one handler per JVM, as one per sandbox) or the synchronous baseline.
     */
    private static Trigger trigger(
            String mode,
            FaultInjectingProxy dynamo,
            FaultInjectingProxy ses,
            FaultInjectingProxy users,
            String table,
            String sender) {
        return switch (mode) {
            case "ours" -> {
                PostConfirmationHandler handler = ProductTrigger.HANDLER;
                BenchContext context = new BenchContext();
                yield event ->
                        handler.handleRequest(new ByteArrayInputStream(event), new ByteArrayOutputStream(), context);
            }
            case "sync" -> {
                SyncBaselineTrigger baseline = new SyncBaselineTrigger(
                        dynamo.endpoint(), ses.endpoint(), users.endpoint().resolve("/users"), table, sender);
                yield baseline::handle;
            }
            default -> throw new IllegalArgumentException("mode is ours or sync, got " + mode);
        };
    }

    /** The product's handler, built on first use: it reads its configuration from this JVM's environment. */
    private static final class ProductTrigger {
        static final PostConfirmationHandler HANDLER = new PostConfirmationHandler();
    }

    /** Drives {@code count} invocations at {@code rate} per second; an invocation still running at the cutoff counts as over it. */
    static Samples drive(Trigger trigger, int firstEvent, double rate, int count, long cutoffMs)
            throws InterruptedException {
        long periodNanos = (long) (1_000_000_000L / rate);
        long[] nanos = new long[count];
        boolean[] failed = new boolean[count];
        boolean[] done = new boolean[count];
        CountDownLatch finished = new CountDownLatch(count);
        long start = System.nanoTime() + 10_000_000L;
        for (int i = 0; i < count; i++) {
            long scheduled = start + i * periodNanos;
            long wait = scheduled - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            byte[] event = Probes.event(firstEvent + i);
            int index = i;
            Thread.ofVirtual().start(() -> {
                boolean ok = false;
                try {
                    trigger.invoke(event);
                    ok = true;
                } catch (Exception | Error e) {
                    ok = false;
                } finally {
                    synchronized (done) {
                        nanos[index] = System.nanoTime() - scheduled;
                        failed[index] = !ok;
                        done[index] = true;
                    }
                    finished.countDown();
                }
            });
        }
        // The last invocation gets the cutoff too; whatever still runs then is over it.
        long lastScheduled = start + (count - 1) * periodNanos;
        long waitForRest = lastScheduled + TimeUnit.MILLISECONDS.toNanos(cutoffMs + 500) - System.nanoTime();
        boolean allReturned = finished.await(Math.max(0, waitForRest), TimeUnit.NANOSECONDS);
        Samples samples = new Samples();
        samples.unfinished = allReturned ? 0 : finished.getCount();
        long cutoffNanos = TimeUnit.MILLISECONDS.toNanos(cutoffMs);
        synchronized (done) {
            for (int i = 0; i < count; i++) {
                long time = done[i] ? nanos[i] : cutoffNanos;
                boolean isFailed = done[i] && failed[i];
                samples.times.add(time);
                if (isFailed) {
                    samples.failures++;
                }
                if (isFailed || !done[i] || time > cutoffNanos) {
                    samples.over++;
                }
            }
        }
        return samples;
    }

    /** Response times (ns) of one condition, and how many were over the cutoff, failed, or still running. */
    static final class Samples {
        final List<Long> times = new ArrayList<>();
        int over;
        int failures;
        long unfinished;

        void add(Samples block) {
            times.addAll(block.times);
            over += block.over;
            failures += block.failures;
            unfinished += block.unfinished;
        }

        String summary() {
            long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
            return String.format(
                    Locale.ROOT,
                    "n=%d p50_ms=%.1f p99_ms=%.1f over_or_failed=%d failed=%d unfinished=%d",
                    sorted.length,
                    percentile(sorted, 0.50) / 1e6,
                    percentile(sorted, 0.99) / 1e6,
                    over,
                    failures,
                    unfinished);
        }
    }

    /** Nearest-rank percentile of sorted values. */
    static long percentile(long[] sorted, double p) {
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
