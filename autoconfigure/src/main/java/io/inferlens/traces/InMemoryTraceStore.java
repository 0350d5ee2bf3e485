package io.inferlens.traces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.inference.TokenUsage;
import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.privacy.Secrets;
import io.inferlens.store.TraceBuffers;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TraceStore} in memory, bounded in the number of traces, of spans per trace and
 * in the length of the string attribute values it keeps.
 * <p>
 * Each trace has its own buffer of spans, which grows up to
 * {@link #getMaxSpansPerTrace()}; further spans of that trace are dropped and counted.
 * Adding a span locks only its trace's buffer. When a new trace arrives and
 * {@link #getMaxTraces()} traces are kept, the least recently written one is evicted
 * ({@link TraceBuffers}, as in {@link io.inferlens.logs.InMemoryTraceLogStore}).
 * <p>
 * Attributes are kept raw, only truncated, and masked when read: reading is rare,
 * recording spans is not. The log events of a trace come from a {@link TraceLogStore},
 * when one is given. The models a trace called, their tokens and cost come from the
 * {@link InferenceRecord}s of its sampled model calls, whoever observed them; the route
 * from a {@link TraceRoute}.
 *
 * @author Inferlens
 */
public final class InMemoryTraceStore implements TraceStore, InferenceRecordListener {

    private static final String SLOW_KEY = "inferlens.slow";

    /**
     * Most distinct models listed per trace, and matched by a query by model.
     */
    static final int MAX_MODELS_PER_TRACE = 16;

    private static final int INITIAL_CAPACITY = 8;

    private static final Comparator<StoredSpan> BY_START = Comparator.comparingLong(StoredSpan::startEpochNanos);

    private final int maxSpansPerTrace;

    private final int maxAttributeValueLength;

    private final @Nullable TraceLogStore logs;

    private final TraceBuffers<TraceBuffer> traces;

    private final LongAdder droppedSpans = new LongAdder();

    private final TraceBuffers.Adder<TraceBuffer, StoredSpan> adder;

    private final TraceBuffers.Adder<TraceBuffer, InferenceRecord> inferenceAdder;

    private final TraceRoute route;

    /**
     * Create a store without log events.
     * @param maxTraces the maximum number of traces kept, at least 1
     * @param maxSpansPerTrace the maximum number of spans kept per trace, at least 1
     * @param maxAttributeValueLength the maximum length of a string attribute value, at
     * least 1; longer ones are truncated
     */
    public InMemoryTraceStore(int maxTraces, int maxSpansPerTrace, int maxAttributeValueLength) {
        this(maxTraces, maxSpansPerTrace, maxAttributeValueLength, null);
    }

    /**
     * Create a store.
     * @param maxTraces the maximum number of traces kept, at least 1
     * @param maxSpansPerTrace the maximum number of spans kept per trace, at least 1
     * @param maxAttributeValueLength the maximum length of a string attribute value, at
     * least 1; longer ones are truncated
     * @param logs where the log events of a trace are read from, or {@code null}
     */
    public InMemoryTraceStore(int maxTraces, int maxSpansPerTrace, int maxAttributeValueLength,
            @Nullable TraceLogStore logs) {
        this(maxTraces, maxSpansPerTrace, maxAttributeValueLength, logs, TraceRoute.HTTP);
    }

    /**
     * Create a store.
     * @param maxTraces the maximum number of traces kept, at least 1
     * @param maxSpansPerTrace the maximum number of spans kept per trace, at least 1
     * @param maxAttributeValueLength the maximum length of a string attribute value, at
     * least 1; longer ones are truncated
     * @param logs where the log events of a trace are read from, or {@code null}
     * @param route what finds the route a trace served
     */
    public InMemoryTraceStore(int maxTraces, int maxSpansPerTrace, int maxAttributeValueLength,
            @Nullable TraceLogStore logs, TraceRoute route) {
        TraceBuffers.requireAtLeastOne(maxTraces, "maxTraces");
        TraceBuffers.requireAtLeastOne(maxSpansPerTrace, "maxSpansPerTrace");
        TraceBuffers.requireAtLeastOne(maxAttributeValueLength, "maxAttributeValueLength");
        this.route = route;
        this.maxSpansPerTrace = maxSpansPerTrace;
        this.maxAttributeValueLength = maxAttributeValueLength;
        this.logs = logs;
        this.traces = new TraceBuffers<>(maxTraces,
                (traceId) -> new TraceBuffer(traceId, Math.min(INITIAL_CAPACITY, maxSpansPerTrace), maxSpansPerTrace));
        this.adder = (buffer, span) -> buffer.add(span, this.traces, this.droppedSpans);
        this.inferenceAdder = (buffer, record) -> buffer.add(record, this.traces);
    }

    @Override
    public void add(StoredSpan span) {
        StoredSpan bounded = bound(span);
        this.traces.add(bounded.traceId(), bounded, this.adder);
    }

    /**
     * Count a model call in its trace, when the trace is sampled: the model view of the
     * trace's summary.
     * @param record the model call
     */
    @Override
    public void onInference(InferenceRecord record) {
        String traceId = record.traceId();
        if (traceId != null && record.sampled()) {
            this.traces.add(traceId, record, this.inferenceAdder);
        }
    }

    private StoredSpan bound(StoredSpan span) {
        int max = this.maxAttributeValueLength;
        String description = span.statusDescription();
        boolean tooLong = description != null && description.length() > max;
        tooLong = tooLong || hasTooLong(span.attributes(), max);
        for (SpanEvent event : span.events()) {
            tooLong = tooLong || hasTooLong(event.attributes(), max);
        }
        if (!tooLong) {
            return span;
        }
        List<SpanEvent> events = new ArrayList<>(span.events().size());
        for (SpanEvent event : span.events()) {
            events.add(new SpanEvent(event.name(), event.epochNanos(),
                    mapStrings(event.attributes(), (key, value) -> Secrets.truncate(value, max))));
        }
        return new StoredSpan(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind(),
                span.startEpochNanos(), span.durationNanos(), span.status(),
                (description != null) ? Secrets.truncate(description, max) : null,
                mapStrings(span.attributes(), (key, value) -> Secrets.truncate(value, max)), events);
    }

    private static boolean hasTooLong(Map<String, Object> attributes, int max) {
        for (Object value : attributes.values()) {
            if (value instanceof String text && text.length() > max) {
                return true;
            }
            if (value instanceof List<?> list) {
                for (Object element : list) {
                    if (element instanceof String text && text.length() > max) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Apply a function to the string values of attributes, and to the strings of their
     * list values.
     * @return the same map when no value changed
     */
    private static Map<String, Object> mapStrings(Map<String, Object> attributes, StringFunction function) {
        Map<String, Object> mapped = null;
        for (Map.Entry<String, Object> entry : attributes.entrySet()) {
            Object value = entry.getValue();
            Object result = value;
            if (value instanceof String text) {
                result = function.apply(entry.getKey(), text);
            }
            else if (value instanceof List<?> list) {
                result = mapStrings(entry.getKey(), list, function);
            }
            if (result != value && mapped == null) {
                mapped = new HashMap<>(attributes);
            }
            if (mapped != null) {
                mapped.put(entry.getKey(), result);
            }
        }
        return (mapped != null) ? mapped : attributes;
    }

    private static List<?> mapStrings(String key, List<?> list, StringFunction function) {
        List<Object> mapped = null;
        for (int i = 0; i < list.size(); i++) {
            Object element = list.get(i);
            if (element instanceof String text) {
                String result = function.apply(key, text);
                if (result != text && mapped == null) {
                    mapped = new ArrayList<>(list);
                }
                if (mapped != null) {
                    mapped.set(i, result);
                }
            }
        }
        return (mapped != null) ? List.copyOf(mapped) : list;
    }

    @Override
    public List<TraceSummary> recent(TraceQuery query) {
        PriorityQueue<Match> newest = new PriorityQueue<>(Math.min(query.limit(), 1024) + 1,
                Comparator.comparingLong(Match::start));
        for (TraceBuffer buffer : this.traces.buffers()) {
            StoredSpan[] spans = buffer.matching(query);
            if (spans == null) {
                continue;
            }
            long start = Long.MAX_VALUE;
            for (StoredSpan span : spans) {
                start = Math.min(start, span.startEpochNanos());
            }
            if (newest.size() < query.limit()) {
                newest.add(new Match(start, buffer, spans));
            }
            else if (start > newest.peek().start()) {
                newest.poll();
                newest.add(new Match(start, buffer, spans));
            }
        }
        Match[] sorted = newest.toArray(new Match[0]);
        Arrays.sort(sorted, Comparator.comparingLong(Match::start).reversed());
        List<TraceSummary> summaries = new ArrayList<>(sorted.length);
        for (Match match : sorted) {
            Arrays.sort(match.spans(), BY_START);
            summaries.add(summary(match.buffer(), match.spans()));
        }
        return Collections.unmodifiableList(summaries);
    }

    @Override
    public Optional<TraceView> trace(String traceId) {
        TraceBuffer buffer = this.traces.get(traceId);
        StoredSpan[] spans = (buffer != null) ? buffer.sortedSpans() : null;
        if (buffer == null || spans == null) {
            return Optional.empty();
        }
        TraceSummary summary = summary(buffer, spans);
        // Masked outside the buffer's lock: the regular expression is the costly part.
        for (int i = 0; i < spans.length; i++) {
            spans[i] = mask(spans[i]);
        }
        List<TraceLogEvent> logs = (this.logs != null) ? this.logs.forTrace(traceId) : List.of();
        return Optional.of(new TraceView(summary, tree(spans), logs));
    }

    /**
     * Build the span tree of a trace.
     * @param spans its spans, sorted by start
     */
    private static List<SpanNode> tree(StoredSpan[] spans) {
        Map<String, List<StoredSpan>> children = new HashMap<>();
        Set<String> ids = new HashSet<>();
        for (StoredSpan span : spans) {
            ids.add(span.spanId());
        }
        List<StoredSpan> roots = new ArrayList<>();
        for (StoredSpan span : spans) {
            String parent = span.parentSpanId();
            if (parent == null || !ids.contains(parent) || parent.equals(span.spanId())) {
                roots.add(span);
            }
            else {
                children.computeIfAbsent(parent, (key) -> new ArrayList<>()).add(span);
            }
        }
        Set<StoredSpan> visited = Collections.newSetFromMap(new IdentityHashMap<>());
        List<SpanNode> nodes = new ArrayList<>(roots.size());
        for (StoredSpan root : roots) {
            nodes.add(node(root, children, visited));
        }
        // Spans in a cycle of parents reach no root: shown as roots rather than lost.
        for (StoredSpan span : spans) {
            if (!visited.contains(span)) {
                nodes.add(node(span, children, visited));
            }
        }
        nodes.sort(Comparator.comparing(SpanNode::span, BY_START));
        return nodes;
    }

    private static SpanNode node(StoredSpan span, Map<String, List<StoredSpan>> children, Set<StoredSpan> visited) {
        visited.add(span);
        List<StoredSpan> direct = children.getOrDefault(span.spanId(), List.of());
        List<SpanNode> nodes = new ArrayList<>(direct.size());
        for (StoredSpan child : direct) {
            // A span id stored twice would otherwise show the same children twice.
            if (!visited.contains(child)) {
                nodes.add(node(child, children, visited));
            }
        }
        return new SpanNode(span, nodes);
    }

    /**
     * Summarize a trace.
     * @param spans its spans, sorted by start
     */
    private TraceSummary summary(TraceBuffer buffer, StoredSpan[] spans) {
        StoredSpan root = null;
        long end = Long.MIN_VALUE;
        boolean error = false;
        boolean slow = false;
        String route = null;
        for (StoredSpan span : spans) {
            if (root == null && span.parentSpanId() == null) {
                root = span;
            }
            end = Math.max(end, span.endEpochNanos());
            error |= span.isError();
            Object slowValue = span.attributes().get(SLOW_KEY);
            // A string through Micrometer Tracing's key-values, a boolean when set on the
            // span.
            slow |= Boolean.TRUE.equals(slowValue) || "true".equals(slowValue);
            if (route == null) {
                route = this.route.of(span);
            }
        }
        StoredSpan first = spans[0];
        String name = ((root != null) ? root : first).name();
        Inferences inferences = buffer.inferences();
        List<String> models = new ArrayList<>(inferences.models().size());
        for (String model : inferences.models()) {
            models.add(Secrets.mask(model));
        }
        return new TraceSummary(buffer.traceId(), name, first.start(), Duration.ofNanos(end - first.startEpochNanos()),
                spans.length, buffer.dropped(), error, slow, (route != null) ? Secrets.mask(route) : null, models,
                inferences.count(), inferences.inputTokens(), inferences.outputTokens(), inferences.cost());
    }

    @Override
    public int size() {
        return this.traces.size();
    }

    /**
     * The number of spans kept, across traces.
     * @return the number of spans
     */
    public long spanCount() {
        long count = 0;
        for (TraceBuffer buffer : this.traces.buffers()) {
            count += buffer.size();
        }
        return count;
    }

    @Override
    public long droppedSpans() {
        return this.droppedSpans.sum();
    }

    @Override
    public long evictedTraces() {
        return this.traces.evictedTraces();
    }

    @Override
    public void clear() {
        this.traces.clear();
    }

    /**
     * The maximum number of traces kept.
     * @return the maximum number of traces
     */
    public int getMaxTraces() {
        return this.traces.getMaxTraces();
    }

    /**
     * The maximum number of spans kept per trace.
     * @return the maximum number of spans per trace
     */
    public int getMaxSpansPerTrace() {
        return this.maxSpansPerTrace;
    }

    /**
     * The maximum length of a string attribute value kept.
     * @return the maximum length
     */
    public int getMaxAttributeValueLength() {
        return this.maxAttributeValueLength;
    }

    static StoredSpan mask(StoredSpan span) {
        String description = span.statusDescription();
        String maskedDescription = (description != null) ? Secrets.mask(description) : null;
        Map<String, Object> attributes = mapStrings(span.attributes(), Secrets::maskValue);
        List<SpanEvent> events = span.events();
        List<SpanEvent> maskedEvents = events;
        for (int i = 0; i < events.size(); i++) {
            SpanEvent event = events.get(i);
            Map<String, Object> eventAttributes = mapStrings(event.attributes(), Secrets::maskValue);
            if (eventAttributes != event.attributes()) {
                if (maskedEvents == events) {
                    maskedEvents = new ArrayList<>(events);
                }
                maskedEvents.set(i, new SpanEvent(event.name(), event.epochNanos(), eventAttributes));
            }
        }
        if (maskedDescription == description && attributes == span.attributes() && maskedEvents == events) {
            return span;
        }
        return new StoredSpan(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind(),
                span.startEpochNanos(), span.durationNanos(), span.status(), maskedDescription, attributes,
                maskedEvents);
    }

    /**
     * Whether a span has an attribute whose value, as text, equals the one given. A value
     * with a secret never matches, so that a query cannot probe for secrets.
     */
    static boolean hasAttribute(StoredSpan span, String key, String expected) {
        Object value = span.attributes().get(key);
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (matches(key, element, expected)) {
                    return true;
                }
            }
            return false;
        }
        return value != null && matches(key, value, expected);
    }

    private static boolean matches(String key, Object value, String expected) {
        if (value instanceof String text) {
            return text.equals(expected) && Secrets.maskValue(key, text) == text;
        }
        return String.valueOf(value).equals(expected);
    }

    @FunctionalInterface
    private interface StringFunction {

        String apply(String key, String value);

    }

    private record Match(long start, TraceBuffer buffer, StoredSpan[] spans) {
    }

    /**
     * What the model calls of a trace add up to.
     */
    private record Inferences(List<String> models, int count, long inputTokens, long outputTokens, double cost) {

        static final Inferences NONE = new Inferences(List.of(), 0, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, Double.NaN);

    }

    /**
     * The spans of one trace, in the order they arrived, up to a maximum. Guarded by its
     * own monitor.
     */
    private static final class TraceBuffer extends TraceBuffers.Buffer {

        private final int maxSpans;

        private StoredSpan[] spans;

        private int size;

        private long dropped;

        private long startNanos = Long.MAX_VALUE;

        private long endNanos = Long.MIN_VALUE;

        private boolean error;

        private @Nullable Set<String> models;

        private int inferenceCount;

        private long inputTokens = TokenUsage.UNKNOWN;

        private long outputTokens = TokenUsage.UNKNOWN;

        private double cost = Double.NaN;

        TraceBuffer(String traceId, int initialCapacity, int maxSpans) {
            super(traceId);
            this.maxSpans = maxSpans;
            this.spans = new StoredSpan[initialCapacity];
        }

        /**
         * Add a span, or count it as dropped if the trace is full.
         * @return {@code false} if the trace was evicted and the span not added
         */
        synchronized boolean add(StoredSpan span, TraceBuffers<?> traces, LongAdder droppedSpans) {
            if (isRemoved()) {
                return false;
            }
            if (this.size == this.maxSpans) {
                this.dropped++;
                droppedSpans.increment();
            }
            else {
                if (this.size == this.spans.length) {
                    this.spans = Arrays.copyOf(this.spans, Math.min(this.spans.length * 2, this.maxSpans));
                }
                this.spans[this.size++] = span;
                this.startNanos = Math.min(this.startNanos, span.startEpochNanos());
                this.endNanos = Math.max(this.endNanos, span.endEpochNanos());
                this.error |= span.isError();
            }
            written(traces.nextSequence());
            return true;
        }

        /**
         * Count a model call of this trace.
         * @return {@code false} if the trace was evicted and the call not counted
         */
        synchronized boolean add(InferenceRecord record, TraceBuffers<?> traces) {
            if (isRemoved()) {
                return false;
            }
            this.inferenceCount++;
            // Records may come from any source: names are made safe (secrets masked, cut)
            // before they are kept, so that a query cannot probe for a secret.
            String model = Secrets.safeName(record.model());
            if (model != null) {
                Set<String> models = this.models;
                if (models == null) {
                    models = new LinkedHashSet<>(4);
                    this.models = models;
                }
                if (models.size() < MAX_MODELS_PER_TRACE) {
                    models.add(model);
                }
            }
            TokenUsage usage = record.usage();
            this.inputTokens = sum(this.inputTokens, usage.inputTokens());
            this.outputTokens = sum(this.outputTokens, usage.outputTokens());
            if (record.hasCost()) {
                this.cost = Double.isNaN(this.cost) ? record.cost() : this.cost + record.cost();
            }
            written(traces.nextSequence());
            return true;
        }

        private static long sum(long total, long tokens) {
            if (tokens < 0) {
                return total;
            }
            return (total < 0) ? tokens : total + tokens;
        }

        synchronized Inferences inferences() {
            if (this.inferenceCount == 0) {
                return Inferences.NONE;
            }
            List<String> models = (this.models != null) ? List.copyOf(this.models) : List.of();
            return new Inferences(models, this.inferenceCount, this.inputTokens, this.outputTokens, this.cost);
        }

        /**
         * The spans of this trace, in the order they arrived, if it matches a query.
         * @return the spans, or {@code null} if it does not match
         */
        StoredSpan @Nullable [] matching(TraceQuery query) {
            StoredSpan[] spans;
            synchronized (this) {
                if (isRemoved() || this.size == 0 || (query.errorsOnly() && !this.error)) {
                    return null;
                }
                String model = query.model();
                if (model != null && (this.models == null || !this.models.contains(model)
                        || !model.equals(Secrets.safeName(model)))) {
                    return null;
                }
                Duration slowerThan = query.slowerThan();
                if (slowerThan != null && this.endNanos - this.startNanos <= slowerThan.toNanos()) {
                    return null;
                }
                spans = Arrays.copyOf(this.spans, this.size);
            }
            for (Map.Entry<String, String> attribute : query.attributes().entrySet()) {
                if (!anyHas(spans, attribute.getKey(), attribute.getValue())) {
                    return null;
                }
            }
            return spans;
        }

        private static boolean anyHas(StoredSpan[] spans, String key, String value) {
            for (StoredSpan span : spans) {
                if (hasAttribute(span, key, value)) {
                    return true;
                }
            }
            return false;
        }

        /**
         * Its spans, sorted by start; {@code null} if it was removed.
         */
        StoredSpan @Nullable [] sortedSpans() {
            StoredSpan[] spans;
            synchronized (this) {
                if (isRemoved() || this.size == 0) {
                    return null;
                }
                spans = Arrays.copyOf(this.spans, this.size);
            }
            // Stable: spans that start together stay in the order they arrived.
            Arrays.sort(spans, BY_START);
            return spans;
        }

        synchronized int size() {
            return this.size;
        }

        synchronized long dropped() {
            return this.dropped;
        }

    }

}
