package io.inferlens.spring.actuate;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferlens.logs.TraceLogEvent;
import io.inferlens.traces.SpanEvent;
import io.inferlens.traces.SpanNode;
import io.inferlens.traces.StoredSpan;
import io.inferlens.traces.TraceQuery;
import io.inferlens.traces.TraceStore;
import io.inferlens.traces.TraceSummary;
import io.inferlens.traces.TraceView;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code inferlens} endpoint answers about traces: the lines of recent traces
 * and one trace's span tree and log lines, read from a {@link TraceStore}, which masks
 * secrets on read.
 *
 * @author Inferlens
 */
public final class TraceDescriptors {

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private TraceDescriptors() {
    }

    /**
     * The recent traces matching a query.
     * @param store the trace store
     * @param query the query
     * @return the traces
     */
    public static Traces traces(TraceStore store, TraceQuery query) {
        List<TraceLine> lines = new ArrayList<>();
        for (TraceSummary summary : store.recent(query)) {
            lines.add(TraceLine.of(summary));
        }
        return new Traces(lines, store.size(), store.droppedSpans(), store.evictedTraces());
    }

    /**
     * One trace.
     * @param store the trace store
     * @param traceId its id
     * @return the trace, or {@code null} if it is not stored
     */
    public static @Nullable Trace trace(TraceStore store, String traceId) {
        return store.trace(traceId).map(Trace::of).orElse(null);
    }

    static double millis(long nanos) {
        return nanos / NANOS_PER_MILLI;
    }

    static double millis(java.time.Duration duration) {
        return millis(duration.toNanos());
    }

    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    /**
     * Recent traces.
     *
     * @param traces the traces matching the query, newest first
     * @param stored the traces kept
     * @param droppedSpans the spans dropped because their trace had too many
     * @param evictedTraces the traces evicted to make room for newer ones
     */
    public record Traces(List<TraceLine> traces, int stored, long droppedSpans,
            long evictedTraces) implements OperationResponseBody {

    }

    /**
     * One line of a list of traces.
     *
     * @param traceId the trace id
     * @param name the root span's name
     * @param start when its first span started, ISO-8601
     * @param durationMillis from its first start to its last end
     * @param spanCount the spans kept
     * @param droppedSpans the spans dropped
     * @param error whether a span failed
     * @param slow whether a span was slower than its threshold
     * @param httpRoute its HTTP route, or {@code null}
     * @param models the models it called
     * @param inferences the number of its model calls
     * @param inputTokens the input tokens of its model calls, or {@code null} if unknown
     * @param outputTokens the output tokens of its model calls, or {@code null} if
     * unknown
     * @param cost the cost of its model calls, or {@code null} if none had a price
     */
    public record TraceLine(String traceId, String name, String start, double durationMillis, int spanCount,
            long droppedSpans, boolean error, boolean slow, @Nullable String httpRoute, List<String> models,
            int inferences, @Nullable Long inputTokens, @Nullable Long outputTokens, @Nullable Double cost) {

        static TraceLine of(TraceSummary summary) {
            return new TraceLine(summary.traceId(), summary.name(), summary.start().toString(),
                    millis(summary.duration()), summary.spanCount(), summary.droppedSpans(), summary.error(),
                    summary.slow(), summary.httpRoute(), summary.models(), summary.inferences(),
                    (summary.inputTokens() >= 0) ? summary.inputTokens() : null,
                    (summary.outputTokens() >= 0) ? summary.outputTokens() : null,
                    Double.isNaN(summary.cost()) ? null : summary.cost());
        }

    }

    /**
     * One trace.
     *
     * @param summary its line
     * @param spans the roots of its span tree
     * @param logs its log lines, oldest first
     */
    public record Trace(TraceLine summary, List<Span> spans, List<LogLine> logs) implements OperationResponseBody {

        static Trace of(TraceView view) {
            long start = epochNanos(view.summary().start());
            List<Span> roots = new ArrayList<>();
            for (SpanNode root : view.roots()) {
                roots.add(Span.of(root, start));
            }
            List<LogLine> logs = new ArrayList<>();
            for (TraceLogEvent event : view.logs()) {
                logs.add(LogLine.of(event, start));
            }
            return new Trace(TraceLine.of(view.summary()), roots, logs);
        }

    }

    /**
     * One span and its children.
     *
     * @param spanId its id
     * @param parentSpanId its parent's id, or {@code null}
     * @param name its name
     * @param kind its kind
     * @param offsetMillis its start, from the trace's start
     * @param durationMillis its duration
     * @param status {@code UNSET}, {@code OK} or {@code ERROR}
     * @param statusDescription the status description, or {@code null}
     * @param attributes its attributes, masked
     * @param events its events
     * @param children its children, in start order
     */
    public record Span(String spanId, @Nullable String parentSpanId, String name, String kind, double offsetMillis,
            double durationMillis, String status, @Nullable String statusDescription, Map<String, Object> attributes,
            List<Event> events, List<Span> children) {

        static Span of(SpanNode node, long traceStartNanos) {
            StoredSpan span = node.span();
            List<Event> events = new ArrayList<>();
            for (SpanEvent event : span.events()) {
                events.add(new Event(event.name(), millis(event.epochNanos() - traceStartNanos),
                        new LinkedHashMap<>(event.attributes())));
            }
            List<Span> children = new ArrayList<>();
            for (SpanNode child : node.children()) {
                children.add(of(child, traceStartNanos));
            }
            return new Span(span.spanId(), span.parentSpanId(), span.name(), span.kind().name(),
                    millis(span.startEpochNanos() - traceStartNanos), millis(span.durationNanos()),
                    span.status().name(), span.statusDescription(), new LinkedHashMap<>(span.attributes()), events,
                    children);
        }

    }

    /**
     * One span event.
     *
     * @param name its name
     * @param offsetMillis when it happened, from the trace's start
     * @param attributes its attributes, masked
     */
    public record Event(String name, double offsetMillis, Map<String, Object> attributes) {

    }

    /**
     * One log line of a trace.
     *
     * @param timestamp when it was logged, ISO-8601
     * @param offsetMillis when it was logged, from the trace's start
     * @param level its level
     * @param logger its logger
     * @param thread its thread
     * @param message its message, masked
     * @param spanId the span it was logged in, or {@code null}
     * @param throwableClass the class of its exception, or {@code null}
     * @param throwableMessage the message of its exception, masked, or {@code null}
     * @param keyValues its key-value pairs, masked
     */
    public record LogLine(String timestamp, double offsetMillis, String level, String logger, String thread,
            String message, @Nullable String spanId, @Nullable String throwableClass, @Nullable String throwableMessage,
            Map<String, String> keyValues) {

        static LogLine of(TraceLogEvent event, long traceStartNanos) {
            Instant time = event.timestamp();
            return new LogLine(time.toString(), millis(epochNanos(time) - traceStartNanos), event.level().name(),
                    event.loggerName(), event.threadName(), event.message(), event.spanId(), event.throwableClass(),
                    event.throwableMessage(), event.keyValues());
        }

    }

}
