package io.inferlens.stats;

/**
 * A bucket of a latency histogram: how many durations fell at or below its upper bound
 * and above the bound of the bucket before.
 *
 * @param upperBoundMillis the inclusive upper bound, in milliseconds; for the last
 * bucket, of durations longer than the largest fixed bound, the longest duration seen
 * @param count the durations in the bucket
 * @author Inferlens
 */
public record HistogramBucket(double upperBoundMillis, long count) {

}
