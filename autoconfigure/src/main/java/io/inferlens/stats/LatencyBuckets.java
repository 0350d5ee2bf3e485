package io.inferlens.stats;

import java.util.Arrays;

/**
 * The fixed, log-scale latency buckets of {@link RequestStatistics}: three per power of
 * two from 1 ms to 2<sup>17</sup> ms (about 131 s), so that each bucket is about 26%
 * wider than the one below, plus one bucket for longer durations. Fixed so that recording
 * needs no allocation and windows can be summed bucket by bucket.
 *
 * @author Inferlens
 */
final class LatencyBuckets {

    private static final long NANOS_PER_MILLI = 1_000_000L;

    /**
     * Inclusive upper bounds of the finite buckets, in nanoseconds.
     */
    static final long[] UPPER_BOUNDS = upperBounds();

    /**
     * Number of buckets, the last counting durations above the largest bound.
     */
    static final int COUNT = UPPER_BOUNDS.length + 1;

    private LatencyBuckets() {
    }

    /**
     * The bucket of a duration.
     * @param nanos the duration, in nanoseconds
     * @return the bucket index, from 0 to {@code COUNT - 1}
     */
    static int index(long nanos) {
        int index = Arrays.binarySearch(UPPER_BOUNDS, nanos);
        return (index >= 0) ? index : -index - 1;
    }

    /**
     * The exclusive lower bound of a bucket.
     * @param index the bucket index
     * @return the bound, in nanoseconds
     */
    static long lowerBound(int index) {
        return (index == 0) ? 0 : UPPER_BOUNDS[index - 1];
    }

    private static long[] upperBounds() {
        long[] bounds = new long[52];
        for (int i = 0; i < bounds.length; i++) {
            bounds[i] = Math.round(NANOS_PER_MILLI * Math.pow(2, i / 3.0));
        }
        return bounds;
    }

}
