package io.inferlens.logs;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A log event of a trace, as kept by a {@link TraceLogStore}: what a trace view shows of
 * a log line, without the logging library's types.
 *
 * @param timestamp when the event was logged
 * @param level its level
 * @param loggerName the name of the logger
 * @param threadName the name of the thread that logged it
 * @param message the formatted message
 * @param traceId the id of the trace it was logged in
 * @param spanId the id of the span it was logged in, or {@code null}
 * @param throwableClass the class name of the exception logged with it, or {@code null}
 * @param throwableMessage the message of that exception, or {@code null}
 * @param keyValues its key-value pairs, in the order they were added; unmodifiable
 * @author Inferlens
 */
public record TraceLogEvent(Instant timestamp, LogLevel level, String loggerName, String threadName, String message,
        String traceId, @Nullable String spanId, @Nullable String throwableClass, @Nullable String throwableMessage,
        Map<String, String> keyValues) {

    /**
     * Create an event.
     * @param timestamp when the event was logged
     * @param level its level
     * @param loggerName the name of the logger
     * @param threadName the name of the thread that logged it
     * @param message the formatted message
     * @param traceId the id of the trace it was logged in
     * @param spanId the id of the span it was logged in, or {@code null}
     * @param throwableClass the class name of the exception logged with it, or
     * {@code null}
     * @param throwableMessage the message of that exception, or {@code null}
     * @param keyValues its key-value pairs, copied unless empty
     */
    public TraceLogEvent {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(loggerName, "loggerName");
        Objects.requireNonNull(threadName, "threadName");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(traceId, "traceId");
        // Most events have none: no copy, no allocation.
        keyValues = keyValues.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(keyValues));
    }

}
