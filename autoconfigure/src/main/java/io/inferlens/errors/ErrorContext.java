package io.inferlens.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Where an error was seen: the operation that failed, the trace and span it failed in
 * (resolved from the current span when not given), and free attributes such as the HTTP
 * route or the model. Immutable.
 *
 * @param operation the operation that failed, such as {@code gateway.route} or
 * {@code http.server.requests}
 * @param traceId the trace id, or {@code null} to use the current span's
 * @param spanId the span id, or {@code null} to use the current span's
 * @param attributes further attributes, in insertion order
 * @author Inferlens
 */
public record ErrorContext(String operation, @Nullable String traceId, @Nullable String spanId,
        Map<String, String> attributes) {

    /**
     * Create a context.
     * @param operation the operation that failed
     * @param traceId the trace id, or {@code null} to use the current span's
     * @param spanId the span id, or {@code null} to use the current span's
     * @param attributes further attributes
     */
    public ErrorContext {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    /**
     * A context of an operation, in the current trace, with no attributes.
     * @param operation the operation that failed
     * @return the context
     */
    public static ErrorContext of(String operation) {
        return new ErrorContext(operation, null, null, Map.of());
    }

    /**
     * This context in a given trace and span.
     * @param traceId the trace id
     * @param spanId the span id
     * @return a new context
     */
    public ErrorContext withTrace(@Nullable String traceId, @Nullable String spanId) {
        return new ErrorContext(this.operation, traceId, spanId, this.attributes);
    }

    /**
     * This context with one more attribute.
     * @param key the attribute's key
     * @param value its value
     * @return a new context
     */
    public ErrorContext with(String key, String value) {
        Map<String, String> attributes = new LinkedHashMap<>(this.attributes);
        attributes.put(key, value);
        return new ErrorContext(this.operation, this.traceId, this.spanId, attributes);
    }

}
