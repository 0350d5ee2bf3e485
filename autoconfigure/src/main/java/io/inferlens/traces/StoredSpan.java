package io.inferlens.traces;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.inferlens.annotation.SpanKind;
import org.jspecify.annotations.Nullable;

/**
 * A finished span as a {@link TraceStore} keeps it: what a trace view shows of a span,
 * copied out of the tracing library so that the store holds no reference to its objects.
 *
 * @param traceId the id of its trace
 * @param spanId its id
 * @param parentSpanId the id of its parent span, or {@code null} for a root span
 * @param name its name
 * @param kind its kind
 * @param startEpochNanos when it started, in nanoseconds since the epoch
 * @param durationNanos how long it took, in nanoseconds
 * @param status its status
 * @param statusDescription the description of its status, or {@code null}
 * @param attributes its attributes: strings, longs, doubles, booleans or lists of them;
 * unmodifiable, in no particular order
 * @param events its events in the order they were recorded; unmodifiable
 * @author Inferlens
 */
public record StoredSpan(String traceId, String spanId, @Nullable String parentSpanId, String name, SpanKind kind,
        long startEpochNanos, long durationNanos, SpanStatus status, @Nullable String statusDescription,
        Map<String, Object> attributes, List<SpanEvent> events) {

    /**
     * Create a span.
     * @param traceId the id of its trace
     * @param spanId its id
     * @param parentSpanId the id of its parent span, or {@code null} for a root span
     * @param name its name
     * @param kind its kind
     * @param startEpochNanos when it started, in nanoseconds since the epoch
     * @param durationNanos how long it took, in nanoseconds, at least 0
     * @param status its status
     * @param statusDescription the description of its status, or {@code null}
     * @param attributes its attributes, copied
     * @param events its events, copied
     */
    public StoredSpan {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(spanId, "spanId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(status, "status");
        if (durationNanos < 0) {
            throw new IllegalArgumentException("durationNanos must not be negative, but was " + durationNanos);
        }
        // Map.copyOf and List.copyOf keep an already immutable copy as it is, and their
        // array-backed forms are the most compact the JDK has.
        attributes = Map.copyOf(attributes);
        events = List.copyOf(events);
    }

    /**
     * When it ended, in nanoseconds since the epoch.
     * @return its end
     */
    public long endEpochNanos() {
        return this.startEpochNanos + this.durationNanos;
    }

    /**
     * When it started.
     * @return its start
     */
    public Instant start() {
        return instant(this.startEpochNanos);
    }

    /**
     * How long it took.
     * @return its duration
     */
    public Duration duration() {
        return Duration.ofNanos(this.durationNanos);
    }

    /**
     * Whether its status is {@link SpanStatus#ERROR}.
     * @return whether it failed
     */
    public boolean isError() {
        return this.status == SpanStatus.ERROR;
    }

    static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L));
    }

}
