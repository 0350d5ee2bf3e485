package io.inferlens.logs;

import java.util.List;

/**
 * Keeps recent log events per trace id, for a trace view. Appending happens on every log
 * call of the application's threads: it is cheap, thread-safe and never throws for a
 * valid event. Every read returns events whose message, exception message and key-value
 * values have their secrets masked by {@link io.inferlens.privacy.Secrets#mask}.
 *
 * @author Inferlens
 * @see InMemoryTraceLogStore
 */
public interface TraceLogStore {

    /**
     * Whether events of a level are kept, so that an adapter can skip building the events
     * that would not be.
     * @param level the level
     * @return whether events of that level are kept
     */
    default boolean isEnabled(LogLevel level) {
        return true;
    }

    /**
     * Keep an event, unless its level is below the store's threshold.
     * @param event the event, with its raw message
     */
    void append(TraceLogEvent event);

    /**
     * The events of a trace, in the order they were appended.
     * @param traceId the trace id
     * @return its events, masked; empty if none are kept
     */
    List<TraceLogEvent> forTrace(String traceId);

    /**
     * The events of a trace at or above a level, in the order they were appended.
     * @param traceId the trace id
     * @param minLevel the lowest level returned
     * @return its events at or above that level, masked; empty if none are kept
     */
    List<TraceLogEvent> forTrace(String traceId, LogLevel minLevel);

    /**
     * How many events of a trace were dropped to keep it within its bound.
     * @param traceId the trace id
     * @return the number of its events dropped, 0 if it is not kept
     */
    long droppedEvents(String traceId);

    /**
     * The most recent events at or above a level, across traces, newest first.
     * @param minLevel the lowest level returned
     * @param limit the maximum number of events returned, at least 0
     * @return the events, masked
     */
    List<TraceLogEvent> recent(LogLevel minLevel, int limit);

    /**
     * Forget every event.
     */
    void clear();

}
