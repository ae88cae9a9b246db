package dev.provisioning.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.provisioning.common.Deployment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The sizing rule of {@link SendingRate} for every rate SES can grant and every provisioner timeout the stack
 * accepts. SES's sandbox rate is 1 email a second and a production account's is whatever AWS granted it (a
 * {@code MaxSendRate} with no published ceiling; the stack takes up to 100,000). Lambda's SQS event source takes a
 * {@code MaximumConcurrency} of 2 to 1000 and, for a standard queue, a batch size of 1 to 10,000 (above 10 only with
 * a batching window); a function timeout is at most 900 s and the stack requires at least 10 s.
 */
class SendingRateProperties {

    /** Above this the event source is at Lambda's 1000 invocations of 10 records: 1000 × 10 / 0.2 s. */
    private static final double RATE_AT_MAX_CONCURRENCY = 1000 * Deployment.BATCH_CONCURRENCY / 0.2;

    /** The most the stack accepts; SES publishes no ceiling. */
    private static final double MAX_RATE = 100_000;

    /** Lambda's least MaximumConcurrency (2) of one record each: the least the sizing can plan. */
    private static final double LEAST_PLANNED = 2 / SendingRate.MIN_RECORD_SECONDS;

    /** Every rate SES can grant, sandbox to the stack's maximum. */
    @Provide
    Arbitrary<Double> sesRates() {
        return rates(1, MAX_RATE);
    }

    @Provide
    Arbitrary<Double> ratesFromTen() {
        return rates(LEAST_PLANNED, MAX_RATE);
    }

    @Provide
    Arbitrary<Double> ratesBelowTen() {
        return rates(1, Math.nextDown(LEAST_PLANNED));
    }

    @Provide
    Arbitrary<Double> ratesFromTenToMaxConcurrency() {
        return rates(LEAST_PLANNED, RATE_AT_MAX_CONCURRENCY);
    }

    @Provide
    Arbitrary<Double> ratesAboveMaxConcurrency() {
        return rates(Math.nextUp(RATE_AT_MAX_CONCURRENCY), MAX_RATE);
    }

    @Property
    void plannedSends_fromTenPerSecond_neverExceedTheRate(@ForAll("ratesFromTen") double rate) {
        SendingRate sizing = new SendingRate(rate);

        assertThat(plannedSends(sizing)).as(describe(sizing)).isLessThanOrEqualTo(rate * (1 + 1e-12));
    }

    /** Below 10/s nothing smaller exists: the rule then plans the least Lambda allows, and SES's throttling does the rest. */
    @Property
    void sizing_belowTenPerSecond_isTheLeastLambdaAllows(@ForAll("ratesBelowTen") double rate) {
        SendingRate sizing = new SendingRate(rate);

        assertThat(sizing.maxConcurrency()).as(describe(sizing)).isEqualTo(2);
        assertThat(sizing.batchConcurrency()).as(describe(sizing)).isEqualTo(1);
    }

    /** Staying under the rate is not bought by idling: more than two thirds of it, up to Lambda's 1000 invocations. */
    @Property
    void plannedSends_fromTenPerSecond_useMoreThanTwoThirdsOfTheRate(
            @ForAll("ratesFromTenToMaxConcurrency") double rate) {
        SendingRate sizing = new SendingRate(rate);

        assertThat(plannedSends(sizing)).as(describe(sizing)).isGreaterThan(rate * 2 / 3 * (1 - 1e-12));
    }

    @Property
    void plannedSends_aboveWhatLambdaCanRun_areLambdasMost(@ForAll("ratesAboveMaxConcurrency") double rate) {
        SendingRate sizing = new SendingRate(rate);

        assertThat(sizing.maxConcurrency()).as(describe(sizing)).isEqualTo(1000);
        assertThat(plannedSends(sizing)).as(describe(sizing)).isEqualTo(RATE_AT_MAX_CONCURRENCY, within(1e-6));
    }

    @Property
    void sizing_forAnyRateAndTimeout_staysWithinLambdasAndTheProvisionersLimits(
            @ForAll("sesRates") double rate, @ForAll @IntRange(min = 10, max = 900) int timeoutSeconds) {
        SendingRate sizing = new SendingRate(rate);
        int batchSize = sizing.batchSize(timeoutSeconds);

        assertThat(sizing.maxConcurrency()).as(describe(sizing)).isBetween(2, 1000);
        // At most 10: a standard queue's limit is 10,000, but above 10 Lambda wants a batching window.
        assertThat(batchSize).as(describe(sizing)).isBetween(1, 10);
        assertThat(sizing.batchConcurrency())
                .as(describe(sizing) + ", batch size " + batchSize)
                .isBetween(1, Math.min(Deployment.BATCH_CONCURRENCY, batchSize));
    }

    /** A batch slowed to its invocation's share of the rate (rate / MaximumConcurrency) still ends inside the timeout. */
    @Property
    void batch_atItsShareOfTheRate_endsInsideTheTimeout(
            @ForAll("sesRates") double rate, @ForAll @IntRange(min = 10, max = 900) int timeoutSeconds) {
        SendingRate sizing = new SendingRate(rate);
        double share = rate / sizing.maxConcurrency();

        assertThat(sizing.batchSize(timeoutSeconds) / share)
                .as(describe(sizing) + ", timeout " + timeoutSeconds + " s")
                .isLessThanOrEqualTo(timeoutSeconds);
    }

    /**
     * A higher rate never plans fewer sends or fewer records per invocation. MaximumConcurrency alone is not monotone
     * (it falls where BATCH_CONCURRENCY steps up), but it is for one BATCH_CONCURRENCY.
     */
    @Property
    void sizing_whenTheRateRises_neverPlansLess(@ForAll("sesRates") double a, @ForAll("sesRates") double b) {
        SendingRate lower = new SendingRate(Math.min(a, b));
        SendingRate higher = new SendingRate(Math.max(a, b));
        String both = describe(lower) + " vs " + describe(higher);

        assertThat(plannedSends(higher)).as(both).isGreaterThanOrEqualTo(plannedSends(lower));
        assertThat(higher.batchConcurrency()).as(both).isGreaterThanOrEqualTo(lower.batchConcurrency());
        if (higher.batchConcurrency() == lower.batchConcurrency()) {
            assertThat(higher.maxConcurrency()).as(both).isGreaterThanOrEqualTo(lower.maxConcurrency());
        }
    }

    /**
     * Rates from {@code min} to {@code max}, spread evenly over their orders of magnitude (so 10 to 110, where
     * BATCH_CONCURRENCY steps, is as likely as 10,000 to 100,000), half of them whole numbers as SES grants them.
     */
    private static Arbitrary<Double> rates(double min, double max) {
        double low = Math.log10(min);
        double span = Math.log10(max) - low;
        Arbitrary<Double> any = Arbitraries.doubles()
                .between(0, 1)
                .ofScale(9)
                .map(fraction -> Math.min(max, Math.max(min, Math.pow(10, low + fraction * span))));
        return Arbitraries.oneOf(any, any.map(rate -> Math.max(min, Math.floor(rate))));
    }

    /** Emails a second the event source can send at most: every invocation's records at the fastest record time. */
    private static double plannedSends(SendingRate sizing) {
        return (double) sizing.maxConcurrency() * sizing.batchConcurrency() / SendingRate.MIN_RECORD_SECONDS;
    }

    private static String describe(SendingRate sizing) {
        return "rate " + sizing.perSecond() + "/s: MaximumConcurrency " + sizing.maxConcurrency()
                + " x BATCH_CONCURRENCY " + sizing.batchConcurrency() + " = " + plannedSends(sizing) + " sends/s";
    }
}
