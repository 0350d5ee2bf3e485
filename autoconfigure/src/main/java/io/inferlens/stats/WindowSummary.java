package io.inferlens.stats;

import java.time.Duration;

/**
 * The requests of one window, such as the last five minutes.
 *
 * @param window the length of the window
 * @param requests requests that ended in the window
 * @param errors those that failed
 * @param errorRate {@code errors / requests}, 0 when there were no requests
 * @param throughput requests per second over the part of the window the statistics cover
 * @param meanMillis mean duration, in milliseconds, 0 when there were no requests
 * @param p95Millis estimated 95th percentile of the duration, in milliseconds
 * @author Inferlens
 */
public record WindowSummary(Duration window, long requests, long errors, double errorRate, double throughput,
        double meanMillis, double p95Millis) {

}
