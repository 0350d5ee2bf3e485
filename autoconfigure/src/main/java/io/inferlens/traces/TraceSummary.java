package io.inferlens.traces;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One line of a list of recent traces.
 *
 * @param traceId the trace id
 * @param name the name of its root span, or of its earliest span if the root span is not
 * stored
 * @param start when its earliest span started
 * @param duration from the earliest start to the latest end of its spans
 * @param spanCount the number of its spans stored
 * @param droppedSpans the number of its spans dropped because it had too many
 * @param error whether a span of it has an error status
 * @param slow whether a span of it was marked slow ({@code inferlens.slow=true}, set on
 * calls slower than their {@code inferlens.slow-calls} threshold)
 * @param httpRoute the route it served, by default that of its HTTP server span
 * ({@code http.route}, else {@code uri}), or {@code null}; masked
 * @param models the models its sampled model calls asked (else the ones that answered),
 * from their {@link io.inferlens.inference.InferenceRecord}s, without duplicates, in the
 * order the calls ended; masked and unmodifiable
 * @param inferences the number of its model calls
 * @param inputTokens the input tokens its model calls reported, {@code -1} if none did
 * @param outputTokens the output tokens its model calls reported, {@code -1} if none did
 * @param cost the cost of its model calls, {@code NaN} if none had a price
 * @author Inferlens
 */
public record TraceSummary(String traceId, String name, Instant start, Duration duration, int spanCount,
        long droppedSpans, boolean error, boolean slow, @Nullable String httpRoute, List<String> models, int inferences,
        long inputTokens, long outputTokens, double cost) {

    /**
     * Create a summary.
     * @param traceId the trace id
     * @param name the name of its root or earliest span
     * @param start when its earliest span started
     * @param duration from its earliest start to its latest end
     * @param spanCount the number of its spans stored
     * @param droppedSpans the number of its spans dropped
     * @param error whether a span of it failed
     * @param slow whether a span of it was slow
     * @param httpRoute its HTTP route, or {@code null}
     * @param models the models it called, copied
     * @param inferences the number of its model calls
     * @param inputTokens the input tokens of its model calls, {@code -1} if unknown
     * @param outputTokens the output tokens of its model calls, {@code -1} if unknown
     * @param cost the cost of its model calls, {@code NaN} if unknown
     */
    public TraceSummary {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(duration, "duration");
        models = List.copyOf(models);
    }

}
