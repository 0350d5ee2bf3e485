package io.inferlens.stats;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.jspecify.annotations.Nullable;

/**
 * The time-bucketed counters of one key: a ring of slots, one per bucket of time, each
 * holding the count, errors, total, minimum and maximum duration, the latency histogram
 * and, for models, tokens and cost. A slot whose bucket of time has passed is replaced by
 * a fresh one with a compare-and-set, so recording takes no lock; a slot is allocated
 * only when its bucket of time sees a call.
 *
 * @author Inferlens
 */
final class Series {

    static final int COUNT = 0;

    static final int ERRORS = 1;

    static final int TOTAL_NANOS = 2;

    static final int MIN_NANOS = 3;

    static final int MAX_NANOS = 4;

    static final int INPUT_TOKENS = 5;

    static final int OUTPUT_TOKENS = 6;

    static final int COST_NANO_USD = 7;

    static final int HISTOGRAM = 8;

    static final int LENGTH = HISTOGRAM + LatencyBuckets.COUNT;

    private final AtomicReferenceArray<@Nullable Slot> slots;

    Series(int slotCount) {
        this.slots = new AtomicReferenceArray<>(slotCount);
    }

    void record(long epoch, long nanos, boolean error, long inputTokens, long outputTokens, long costNanoUsd) {
        Slot slot = slot(epoch);
        if (slot == null) {
            return;
        }
        AtomicLongArray values = slot.values;
        values.incrementAndGet(COUNT);
        if (error) {
            values.incrementAndGet(ERRORS);
        }
        values.addAndGet(TOTAL_NANOS, nanos);
        if (nanos < values.get(MIN_NANOS)) {
            values.accumulateAndGet(MIN_NANOS, nanos, Math::min);
        }
        if (nanos > values.get(MAX_NANOS)) {
            values.accumulateAndGet(MAX_NANOS, nanos, Math::max);
        }
        values.incrementAndGet(HISTOGRAM + LatencyBuckets.index(nanos));
        if (inputTokens > 0) {
            values.addAndGet(INPUT_TOKENS, inputTokens);
        }
        if (outputTokens > 0) {
            values.addAndGet(OUTPUT_TOKENS, outputTokens);
        }
        if (costNanoUsd > 0) {
            values.addAndGet(COST_NANO_USD, costNanoUsd);
        }
    }

    /**
     * The slot of a bucket of time, replacing the slot of an older bucket that held its
     * place in the ring.
     * @param epoch the bucket of time
     * @return the slot, or {@code null} if the ring has moved past that bucket already
     */
    private @Nullable Slot slot(long epoch) {
        int index = (int) Math.floorMod(epoch, (long) this.slots.length());
        while (true) {
            Slot slot = this.slots.get(index);
            if (slot != null && slot.epoch == epoch) {
                return slot;
            }
            if (slot != null && slot.epoch > epoch) {
                // A call that ended a whole ring ago, held up between reading the clock
                // and recording: too old to count.
                return null;
            }
            Slot fresh = new Slot(epoch);
            if (this.slots.compareAndSet(index, slot, fresh)) {
                return fresh;
            }
        }
    }

    /**
     * Add the slots of the buckets of time from {@code firstEpoch} to {@code lastEpoch}
     * to an aggregate.
     * @param firstEpoch the first bucket, inclusive
     * @param lastEpoch the last bucket, inclusive
     * @param into the aggregate
     */
    void addTo(long firstEpoch, long lastEpoch, Aggregate into) {
        for (int i = 0; i < this.slots.length(); i++) {
            Slot slot = this.slots.get(i);
            if (slot != null && slot.epoch >= firstEpoch && slot.epoch <= lastEpoch) {
                into.add(slot.values);
            }
        }
    }

    private static final class Slot {

        private final long epoch;

        private final AtomicLongArray values = new AtomicLongArray(LENGTH);

        Slot(long epoch) {
            this.epoch = epoch;
            this.values.set(MIN_NANOS, Long.MAX_VALUE);
        }

    }

    /**
     * The sum of slots over a window.
     */
    static final class Aggregate {

        private final long[] values = new long[LENGTH];

        Aggregate() {
            this.values[MIN_NANOS] = Long.MAX_VALUE;
        }

        void add(AtomicLongArray slot) {
            for (int i = 0; i < LENGTH; i++) {
                long value = slot.get(i);
                if (i == MIN_NANOS) {
                    this.values[i] = Math.min(this.values[i], value);
                }
                else if (i == MAX_NANOS) {
                    this.values[i] = Math.max(this.values[i], value);
                }
                else {
                    this.values[i] += value;
                }
            }
        }

        long get(int index) {
            return this.values[index];
        }

        long count() {
            return this.values[COUNT];
        }

        long minNanos() {
            return (count() > 0) ? this.values[MIN_NANOS] : 0;
        }

        long maxNanos() {
            return this.values[MAX_NANOS];
        }

        long bucket(int index) {
            return this.values[HISTOGRAM + index];
        }

        /**
         * Estimate a quantile from the histogram: linear within the bucket that holds it,
         * and never below the minimum nor above the maximum seen.
         * @param quantile the quantile, from 0 to 1
         * @return the estimate, in nanoseconds, or 0 if the window is empty
         */
        double quantileNanos(double quantile) {
            long count = count();
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(quantile * count));
            long below = 0;
            for (int i = 0; i < LatencyBuckets.COUNT; i++) {
                long inBucket = bucket(i);
                if (inBucket > 0 && below + inBucket >= rank) {
                    double lower = LatencyBuckets.lowerBound(i);
                    double upper = (i < LatencyBuckets.UPPER_BOUNDS.length) ? LatencyBuckets.UPPER_BOUNDS[i]
                            : maxNanos();
                    double estimate = lower + (upper - lower) * (rank - below) / inBucket;
                    return Math.max(minNanos(), Math.min(maxNanos(), estimate));
                }
                below += inBucket;
            }
            return maxNanos();
        }

    }

}
