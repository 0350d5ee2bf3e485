package io.inferlens.stats;

import java.util.List;

/**
 * The calls of one operation in a window.
 *
 * @param name the operation: {@code http GET /models/{id}} for an HTTP server request,
 * else the name of the Inferlens operation ({@code chat}, a {@code @Traced} name, a
 * routing stage), {@value RequestStatistics#OTHER} for operations beyond the cap
 * @param count calls that ended in the window
 * @param errors those that failed
 * @param totalMillis their total duration, in milliseconds
 * @param meanMillis mean duration, in milliseconds
 * @param minMillis shortest duration, in milliseconds
 * @param maxMillis longest duration, in milliseconds
 * @param p50Millis estimated median duration, in milliseconds
 * @param p95Millis estimated 95th percentile, in milliseconds
 * @param p99Millis estimated 99th percentile, in milliseconds
 * @param histogram the non-empty buckets of the latency histogram, in increasing order
 * @author Inferlens
 */
public record OperationStatistics(String name, long count, long errors, double totalMillis, double meanMillis,
        double minMillis, double maxMillis, double p50Millis, double p95Millis, double p99Millis,
        List<HistogramBucket> histogram) {

}
