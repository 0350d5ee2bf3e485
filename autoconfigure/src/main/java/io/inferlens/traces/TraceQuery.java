package io.inferlens.traces;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What {@link TraceStore#recent(TraceQuery)} returns: filters that all have to match, and
 * the maximum number of traces. Immutable: each {@code withXxx} method returns a new
 * query.
 *
 * @param errorsOnly whether only traces with a span whose status is an error match
 * @param slowerThan the duration a trace has to exceed to match, or {@code null} for any;
 * a trace lasts from the earliest start to the latest end of its spans
 * @param model a model the trace must have called (its model view, from the records of
 * its model calls), or {@code null} for any
 * @param attributes attributes that some span of the trace must have, each with a value
 * whose text equals the one given (so {@code "42"} matches the long {@code 42});
 * unmodifiable
 * @param limit the maximum number of traces returned, at least 1
 * @author Inferlens
 */
public record TraceQuery(boolean errorsOnly, @Nullable Duration slowerThan, @Nullable String model,
        Map<String, String> attributes, int limit) {

    /**
     * The number of traces returned unless a query says otherwise.
     */
    public static final int DEFAULT_LIMIT = 50;

    /**
     * Create a query.
     * @param errorsOnly whether only traces with an error span match
     * @param slowerThan the duration a trace has to exceed, or {@code null}
     * @param model a model a trace must have called, or {@code null}
     * @param attributes attributes some span of a trace must have, copied
     * @param limit the maximum number of traces returned, at least 1
     */
    public TraceQuery {
        if (slowerThan != null && slowerThan.isNegative()) {
            throw new IllegalArgumentException("slowerThan must not be negative, but was " + slowerThan);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, but was " + limit);
        }
        attributes = Map.copyOf(attributes);
    }

    /**
     * A query matching every trace, returning at most {@link #DEFAULT_LIMIT}.
     * @return the query
     */
    public static TraceQuery all() {
        return new TraceQuery(false, null, null, Map.of(), DEFAULT_LIMIT);
    }

    /**
     * This query, matching only traces with a span whose status is an error.
     * @return the new query
     */
    public TraceQuery withErrorsOnly() {
        return new TraceQuery(true, this.slowerThan, this.model, this.attributes, this.limit);
    }

    /**
     * This query, matching only traces that last longer than a duration.
     * @param duration the duration
     * @return the new query
     */
    public TraceQuery withSlowerThan(Duration duration) {
        return new TraceQuery(this.errorsOnly, Objects.requireNonNull(duration, "duration"), this.model,
                this.attributes, this.limit);
    }

    /**
     * This query, matching only traces with a span having an attribute of that value.
     * @param key the attribute key, such as {@code gen_ai.request.model}
     * @param value the text of its value
     * @return the new query
     */
    public TraceQuery withAttribute(String key, String value) {
        Map<String, String> attributes = new LinkedHashMap<>(this.attributes);
        attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return new TraceQuery(this.errorsOnly, this.slowerThan, this.model, attributes, this.limit);
    }

    /**
     * This query, matching only traces that called a model: asked it, or were answered by
     * it when the model asked is unknown.
     * @param model the model
     * @return the new query
     */
    public TraceQuery withModel(String model) {
        return new TraceQuery(this.errorsOnly, this.slowerThan, Objects.requireNonNull(model, "model"), this.attributes,
                this.limit);
    }

    /**
     * This query, returning at most a number of traces.
     * @param limit the maximum number of traces, at least 1
     * @return the new query
     */
    public TraceQuery withLimit(int limit) {
        return new TraceQuery(this.errorsOnly, this.slowerThan, this.model, this.attributes, limit);
    }

}
