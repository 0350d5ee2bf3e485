package io.inferlens.stats;

/**
 * The calls to one generative AI model in a window.
 *
 * @param model the model asked (else the one that answered), {@code unknown} when neither
 * is known, {@value RequestStatistics#OTHER} for models beyond the cap
 * @param requests calls that ended in the window
 * @param errors those that failed
 * @param inputTokens input tokens the responses reported
 * @param outputTokens output tokens the responses reported
 * @param costUsd cost, in US dollars, of the calls to models with a price
 * @param meanMillis mean duration, in milliseconds
 * @param p95Millis estimated 95th percentile of the duration, in milliseconds
 * @author Inferlens
 */
public record ModelStatistics(String model, long requests, long errors, long inputTokens, long outputTokens,
        double costUsd, double meanMillis, double p95Millis) {

}
