package io.inferlens.stats;

/**
 * The application's requests over the last 1, 5 and 15 minutes.
 *
 * @param source what is counted as a request: {@link RequestStatistics#SOURCE_HTTP} (HTTP
 * server requests, once one has been seen) or {@link RequestStatistics#SOURCE_OPERATIONS}
 * (the top-level operations Inferlens instruments)
 * @param lastMinute the last minute
 * @param lastFiveMinutes the last five minutes
 * @param lastFifteenMinutes the last fifteen minutes
 * @author Inferlens
 */
public record StatisticsSummary(String source, WindowSummary lastMinute, WindowSummary lastFiveMinutes,
        WindowSummary lastFifteenMinutes) {

}
