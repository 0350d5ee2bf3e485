package io.inferlens.traces;

import java.util.Map;
import java.util.Objects;

/**
 * An event of a {@link StoredSpan}, such as the {@code exception} event recorded when an
 * operation fails.
 *
 * @param name the name of the event
 * @param epochNanos when it happened, in nanoseconds since the epoch
 * @param attributes its attributes: strings, longs, doubles, booleans or lists of them;
 * unmodifiable, in no particular order
 * @author Inferlens
 */
public record SpanEvent(String name, long epochNanos, Map<String, Object> attributes) {

    /**
     * Create an event.
     * @param name the name of the event
     * @param epochNanos when it happened, in nanoseconds since the epoch
     * @param attributes its attributes, copied
     */
    public SpanEvent {
        Objects.requireNonNull(name, "name");
        attributes = Map.copyOf(attributes);
    }

}
