package io.inferlens.traces;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

import io.inferlens.logs.TraceLogEvent;

/**
 * A stored trace: its summary, its spans as a tree and the log lines written in it.
 *
 * @param summary its summary
 * @param roots its root spans, ordered by start: the span without a parent, and the spans
 * whose parent is not stored; unmodifiable
 * @param logs the log events of the trace, as kept by a
 * {@link io.inferlens.logs.TraceLogStore}, masked; empty if there is no such store;
 * unmodifiable
 * @author Inferlens
 */
public record TraceView(TraceSummary summary, List<SpanNode> roots, List<TraceLogEvent> logs) {

    /**
     * Create a view.
     * @param summary its summary
     * @param roots its root spans, copied
     * @param logs its log events, copied
     */
    public TraceView {
        Objects.requireNonNull(summary, "summary");
        roots = List.copyOf(roots);
        logs = List.copyOf(logs);
    }

    /**
     * Its spans, depth first, each before its children.
     * @return the spans; a new list
     */
    public List<StoredSpan> spans() {
        List<StoredSpan> spans = new ArrayList<>(this.summary.spanCount());
        Deque<SpanNode> pending = new ArrayDeque<>();
        for (int i = this.roots.size() - 1; i >= 0; i--) {
            pending.push(this.roots.get(i));
        }
        while (!pending.isEmpty()) {
            SpanNode node = pending.pop();
            spans.add(node.span());
            List<SpanNode> children = node.children();
            for (int i = children.size() - 1; i >= 0; i--) {
                pending.push(children.get(i));
            }
        }
        return spans;
    }

}
