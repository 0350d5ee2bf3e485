package io.inferlens.traces;

import java.util.List;
import java.util.Optional;

/**
 * Keeps recent traces in memory, span by span, for a trace view. Adding happens for every
 * finished span on the application's threads: it is cheap, thread-safe and never throws
 * for a valid span. Every read returns spans whose string attribute values, event
 * attribute values and status descriptions have their secrets masked by
 * {@link io.inferlens.privacy.Secrets#mask}.
 *
 * @author Inferlens
 * @see InMemoryTraceStore
 */
public interface TraceStore {

    /**
     * Keep a finished span, in its trace.
     * @param span the span, with its raw attributes
     */
    void add(StoredSpan span);

    /**
     * The recent traces matching a query, newest (latest start) first.
     * @param query the query
     * @return the summaries of at most {@link TraceQuery#limit()} traces
     */
    List<TraceSummary> recent(TraceQuery query);

    /**
     * A stored trace.
     * @param traceId its id
     * @return the trace, or empty if none of its spans is stored
     */
    Optional<TraceView> trace(String traceId);

    /**
     * The number of traces stored.
     * @return the number of traces
     */
    int size();

    /**
     * The number of spans dropped from traces that had too many, since the store was
     * created.
     * @return the number of spans dropped
     */
    long droppedSpans();

    /**
     * The number of traces evicted to make room for new ones, since the store was
     * created.
     * @return the number of traces evicted
     */
    long evictedTraces();

    /**
     * Forget every trace.
     */
    void clear();

}
