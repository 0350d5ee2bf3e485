package io.inferlens.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.LongAdder;

import io.inferlens.privacy.Secrets;
import io.inferlens.store.TraceBuffers;

/**
 * A {@link TraceLogStore} in memory, bounded in the number of traces, of events per trace
 * and in the length of what it keeps of each event.
 * <p>
 * Each trace has its own small ring buffer, which grows up to
 * {@link #getMaxEventsPerTrace()} and then drops its oldest event, counting it. Appending
 * to a trace locks only that trace's buffer; the sequence that ages the traces also
 * orders events across traces. When a new trace arrives and {@link #getMaxTraces()}
 * traces are kept, the least recently written one is evicted ({@link TraceBuffers}).
 * <p>
 * Messages are kept raw, only truncated, and masked when read: reading is rare, logging
 * is not. Events below the {@link #getLevel() level} threshold are not kept.
 *
 * @author Inferlens
 */
public final class InMemoryTraceLogStore implements TraceLogStore {

    /**
     * Maximum number of key-value pairs kept of an event; further pairs are dropped.
     */
    public static final int MAX_KEY_VALUES = 32;

    private static final int INITIAL_CAPACITY = 8;

    private final int maxEventsPerTrace;

    private final int maxMessageLength;

    private final LogLevel level;

    private final TraceBuffers<TraceBuffer> traces;

    private final LongAdder droppedEvents = new LongAdder();

    private final TraceBuffers.Adder<TraceBuffer, TraceLogEvent> adder;

    /**
     * Create a store.
     * @param maxTraces the maximum number of traces kept, at least 1
     * @param maxEventsPerTrace the maximum number of events kept per trace, at least 1
     * @param maxMessageLength the maximum length of a message, an exception message, a
     * key or a value, at least 1; longer ones are truncated
     * @param level the lowest level kept
     */
    public InMemoryTraceLogStore(int maxTraces, int maxEventsPerTrace, int maxMessageLength, LogLevel level) {
        TraceBuffers.requireAtLeastOne(maxTraces, "maxTraces");
        TraceBuffers.requireAtLeastOne(maxEventsPerTrace, "maxEventsPerTrace");
        TraceBuffers.requireAtLeastOne(maxMessageLength, "maxMessageLength");
        this.maxEventsPerTrace = maxEventsPerTrace;
        this.maxMessageLength = maxMessageLength;
        this.level = level;
        this.traces = new TraceBuffers<>(maxTraces, (traceId) -> new TraceBuffer(traceId,
                Math.min(INITIAL_CAPACITY, maxEventsPerTrace), maxEventsPerTrace));
        this.adder = (buffer, event) -> buffer.add(event, this.traces, this.droppedEvents);
    }

    @Override
    public boolean isEnabled(LogLevel level) {
        return level.isAtLeast(this.level);
    }

    @Override
    public void append(TraceLogEvent event) {
        if (!event.level().isAtLeast(this.level)) {
            return;
        }
        TraceLogEvent bounded = bound(event);
        this.traces.add(bounded.traceId(), bounded, this.adder);
    }

    private TraceLogEvent bound(TraceLogEvent event) {
        int max = this.maxMessageLength;
        String message = event.message();
        String throwableMessage = event.throwableMessage();
        Map<String, String> keyValues = event.keyValues();
        boolean longKeyValues = false;
        if (!keyValues.isEmpty()) {
            for (Map.Entry<String, String> entry : keyValues.entrySet()) {
                longKeyValues |= entry.getKey().length() > max || entry.getValue().length() > max;
            }
        }
        if (message.length() <= max && (throwableMessage == null || throwableMessage.length() <= max) && !longKeyValues
                && keyValues.size() <= MAX_KEY_VALUES) {
            return event;
        }
        return new TraceLogEvent(event.timestamp(), event.level(), event.loggerName(), event.threadName(),
                Secrets.truncate(message, max), event.traceId(), event.spanId(), event.throwableClass(),
                (throwableMessage != null) ? Secrets.truncate(throwableMessage, max) : null,
                boundKeyValues(keyValues, max));
    }

    private static Map<String, String> boundKeyValues(Map<String, String> keyValues, int max) {
        Map<String, String> bounded = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : keyValues.entrySet()) {
            if (bounded.size() == MAX_KEY_VALUES) {
                break;
            }
            bounded.put(Secrets.truncate(entry.getKey(), max), Secrets.truncate(entry.getValue(), max));
        }
        return bounded;
    }

    @Override
    public List<TraceLogEvent> forTrace(String traceId) {
        return forTrace(traceId, LogLevel.TRACE);
    }

    @Override
    public List<TraceLogEvent> forTrace(String traceId, LogLevel minLevel) {
        TraceBuffer buffer = this.traces.get(traceId);
        if (buffer == null) {
            return List.of();
        }
        List<TraceLogEvent> events = buffer.events(minLevel);
        // Masked outside the buffer's lock: the regular expression is the costly part.
        events.replaceAll(InMemoryTraceLogStore::mask);
        return Collections.unmodifiableList(events);
    }

    @Override
    public long droppedEvents(String traceId) {
        TraceBuffer buffer = this.traces.get(traceId);
        return (buffer != null) ? buffer.dropped() : 0;
    }

    @Override
    public List<TraceLogEvent> recent(LogLevel minLevel, int limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must not be negative, but was " + limit);
        }
        if (limit == 0) {
            return List.of();
        }
        PriorityQueue<Sequenced> newest = new PriorityQueue<>(Math.min(limit, 1024),
                Comparator.comparingLong(Sequenced::sequence));
        for (TraceBuffer buffer : this.traces.buffers()) {
            buffer.collectNewest(minLevel, limit, newest);
        }
        Sequenced[] sorted = newest.toArray(new Sequenced[0]);
        Arrays.sort(sorted, Comparator.comparingLong(Sequenced::sequence).reversed());
        List<TraceLogEvent> events = new ArrayList<>(sorted.length);
        for (Sequenced sequenced : sorted) {
            events.add(mask(sequenced.event()));
        }
        return Collections.unmodifiableList(events);
    }

    @Override
    public void clear() {
        this.traces.clear();
    }

    /**
     * The number of traces kept.
     * @return the number of traces
     */
    public int traceCount() {
        return this.traces.size();
    }

    /**
     * The number of events kept, across traces.
     * @return the number of events
     */
    public long eventCount() {
        long count = 0;
        for (TraceBuffer buffer : this.traces.buffers()) {
            count += buffer.size();
        }
        return count;
    }

    /**
     * The number of traces evicted to make room for new ones since the store was created.
     * @return the number of traces evicted
     */
    public long evictedTraces() {
        return this.traces.evictedTraces();
    }

    /**
     * The number of events dropped from traces that reached
     * {@link #getMaxEventsPerTrace()} since the store was created.
     * @return the number of events dropped
     */
    public long droppedEvents() {
        return this.droppedEvents.sum();
    }

    /**
     * The maximum number of traces kept.
     * @return the maximum number of traces
     */
    public int getMaxTraces() {
        return this.traces.getMaxTraces();
    }

    /**
     * The maximum number of events kept per trace.
     * @return the maximum number of events per trace
     */
    public int getMaxEventsPerTrace() {
        return this.maxEventsPerTrace;
    }

    /**
     * The maximum length of a message kept.
     * @return the maximum length of a message
     */
    public int getMaxMessageLength() {
        return this.maxMessageLength;
    }

    /**
     * The lowest level kept.
     * @return the level threshold
     */
    public LogLevel getLevel() {
        return this.level;
    }

    private static TraceLogEvent mask(TraceLogEvent event) {
        String message = Secrets.mask(event.message());
        String throwableMessage = event.throwableMessage();
        String maskedThrowableMessage = (throwableMessage != null) ? Secrets.mask(throwableMessage) : null;
        Map<String, String> keyValues = event.keyValues();
        Map<String, String> maskedKeyValues = keyValues;
        boolean keyValuesMasked = false;
        if (!keyValues.isEmpty()) {
            maskedKeyValues = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : keyValues.entrySet()) {
                String key = Secrets.mask(entry.getKey());
                String value = Secrets.maskValue(entry.getKey(), entry.getValue());
                keyValuesMasked |= key != entry.getKey() || value != entry.getValue();
                maskedKeyValues.put(key, value);
            }
        }
        if (message == event.message() && maskedThrowableMessage == throwableMessage && !keyValuesMasked) {
            return event;
        }
        return new TraceLogEvent(event.timestamp(), event.level(), event.loggerName(), event.threadName(), message,
                event.traceId(), event.spanId(), event.throwableClass(), maskedThrowableMessage, maskedKeyValues);
    }

    private record Sequenced(long sequence, TraceLogEvent event) {
    }

    /**
     * The events of one trace: a ring buffer that grows up to its maximum, then drops its
     * oldest event. Guarded by its own monitor.
     */
    private static final class TraceBuffer extends TraceBuffers.Buffer {

        private final int maxEvents;

        private TraceLogEvent[] events;

        private long[] sequences;

        private int head;

        private int size;

        private long dropped;

        TraceBuffer(String traceId, int initialCapacity, int maxEvents) {
            super(traceId);
            this.maxEvents = maxEvents;
            this.events = new TraceLogEvent[initialCapacity];
            this.sequences = new long[initialCapacity];
        }

        /**
         * Add an event.
         * @return {@code false} if the trace was evicted and the event not added
         */
        synchronized boolean add(TraceLogEvent event, TraceBuffers<?> traces, LongAdder droppedEvents) {
            if (isRemoved()) {
                return false;
            }
            // Taken under the lock, so a trace's events are in the order of their
            // sequence.
            long next = traces.nextSequence();
            int capacity = this.events.length;
            if (this.size == capacity && capacity < this.maxEvents) {
                grow(Math.min(capacity * 2, this.maxEvents));
                capacity = this.events.length;
            }
            if (this.size < capacity) {
                int index = (this.head + this.size) % capacity;
                this.events[index] = event;
                this.sequences[index] = next;
                this.size++;
            }
            else {
                this.events[this.head] = event;
                this.sequences[this.head] = next;
                this.head = (this.head + 1) % capacity;
                this.dropped++;
                droppedEvents.increment();
            }
            written(next);
            return true;
        }

        private void grow(int capacity) {
            TraceLogEvent[] events = new TraceLogEvent[capacity];
            long[] sequences = new long[capacity];
            for (int i = 0; i < this.size; i++) {
                int index = (this.head + i) % this.events.length;
                events[i] = this.events[index];
                sequences[i] = this.sequences[index];
            }
            this.events = events;
            this.sequences = sequences;
            this.head = 0;
        }

        synchronized List<TraceLogEvent> events(LogLevel minLevel) {
            List<TraceLogEvent> events = new ArrayList<>(this.size);
            for (int i = 0; i < this.size; i++) {
                TraceLogEvent event = this.events[(this.head + i) % this.events.length];
                if (event.level().isAtLeast(minLevel)) {
                    events.add(event);
                }
            }
            return events;
        }

        synchronized void collectNewest(LogLevel minLevel, int limit, PriorityQueue<Sequenced> newest) {
            for (int i = this.size - 1; i >= 0; i--) {
                int index = (this.head + i) % this.events.length;
                TraceLogEvent event = this.events[index];
                if (!event.level().isAtLeast(minLevel)) {
                    continue;
                }
                long sequence = this.sequences[index];
                if (newest.size() < limit) {
                    newest.add(new Sequenced(sequence, event));
                }
                else if (sequence > newest.peek().sequence()) {
                    newest.poll();
                    newest.add(new Sequenced(sequence, event));
                }
                else {
                    // Older events of this trace are older still.
                    return;
                }
            }
        }

        synchronized int size() {
            return this.size;
        }

        synchronized long dropped() {
            return this.dropped;
        }

    }

}
