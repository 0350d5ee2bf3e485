package io.inferlens.traces;

import java.util.List;
import java.util.Objects;

/**
 * A span in the tree of a {@link TraceView}, with the spans it is the parent of.
 *
 * @param span the span, masked
 * @param children its child spans, ordered by start; unmodifiable
 * @author Inferlens
 */
public record SpanNode(StoredSpan span, List<SpanNode> children) {

    /**
     * Create a node.
     * @param span the span
     * @param children its child spans, copied
     */
    public SpanNode {
        Objects.requireNonNull(span, "span");
        children = List.copyOf(children);
    }

}
