package io.inferlens.spring.actuate;

import java.util.List;

import io.inferlens.stats.StatisticsSummary;
import io.inferlens.stats.WindowSummary;

/**
 * What the {@code inferlens} endpoint answers about traffic: the requests of the last 1,
 * 5 and 15 minutes, from the request statistics.
 *
 * @author Inferlens
 */
public final class TrafficDescriptors {

    private TrafficDescriptors() {
    }

    /**
     * The traffic of a statistics summary.
     * @param summary the summary
     * @return the traffic
     */
    public static Traffic traffic(StatisticsSummary summary) {
        return new Traffic(summary.source(), List.of(Window.of("1m", summary.lastMinute()),
                Window.of("5m", summary.lastFiveMinutes()), Window.of("15m", summary.lastFifteenMinutes())));
    }

    /**
     * Requests over several windows.
     *
     * @param source what is counted: {@code http} (server requests) or {@code operations}
     * (top-level operations)
     * @param windows the windows, shortest first
     */
    public record Traffic(String source, List<Window> windows) {

    }

    /**
     * Requests of one window ending now.
     *
     * @param name the window's short name, such as {@code 1m}
     * @param seconds its length
     * @param requests the requests in it
     * @param errors the failed ones
     * @param errorRate {@code errors / requests}, 0 without requests
     * @param throughput requests per second
     * @param meanMillis the mean latency
     * @param p95Millis the 95th percentile latency
     */
    public record Window(String name, long seconds, long requests, long errors, double errorRate, double throughput,
            double meanMillis, double p95Millis) {

        static Window of(String name, WindowSummary summary) {
            return new Window(name, summary.window().toSeconds(), summary.requests(), summary.errors(),
                    summary.errorRate(), summary.throughput(), summary.meanMillis(), summary.p95Millis());
        }

    }

}
