package io.inferlens.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import io.inferlens.privacy.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * A {@link TraceLogStore} in memory, bounded in the number of traces, of events per trace
 * and in the length of what it keeps of each event.
 * <p>
 * Each trace has its own small ring buffer, which grows up to
 * {@link #getMaxEventsPerTrace()} and then drops its oldest event, counting it. Appending
 * to a trace locks only that trace's buffer: there is no global lock on the append path,
 * only one atomic increment of a sequence that orders events across traces and ages the
 * traces. When a new trace arrives and {@link #getMaxTraces()} traces are kept, the least
 * recently written one is evicted: a slot is reserved before a trace is added, so the
 * bound holds under concurrency. Finding the least recently written trace sorts a
 * snapshot of the traces by their last write, then evicts from it in order, skipping the
 * traces written since; a snapshot serves many evictions before it is rebuilt, so
 * eviction costs O(log n) amortized and nothing is done per append to keep an order.
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

    private final int maxTraces;

    private final int maxEventsPerTrace;

    private final int maxMessageLength;

    private final LogLevel level;

    private final ConcurrentHashMap<String, TraceBuffer> traces;

    /**
     * Traces kept plus traces being added: never above {@link #maxTraces}, and never
     * below the size of {@link #traces}.
     */
    private final AtomicInteger slots = new AtomicInteger();

    private final AtomicLong sequence = new AtomicLong();

    private final LongAdder evictedTraces = new LongAdder();

    private final LongAdder droppedEvents = new LongAdder();

    private final Object evictionLock = new Object();

    /**
     * Traces sorted by their last write when the snapshot was taken, guarded by
     * {@link #evictionLock}.
     */
    private @Nullable Candidate[] candidates = new Candidate[0];

    private int cursor;

    /**
     * Create a store.
     * @param maxTraces the maximum number of traces kept, at least 1
     * @param maxEventsPerTrace the maximum number of events kept per trace, at least 1
     * @param maxMessageLength the maximum length of a message, an exception message, a
     * key or a value, at least 1; longer ones are truncated
     * @param level the lowest level kept
     */
    public InMemoryTraceLogStore(int maxTraces, int maxEventsPerTrace, int maxMessageLength, LogLevel level) {
        requireAtLeastOne(maxTraces, "maxTraces");
        requireAtLeastOne(maxEventsPerTrace, "maxEventsPerTrace");
        requireAtLeastOne(maxMessageLength, "maxMessageLength");
        this.maxTraces = maxTraces;
        this.maxEventsPerTrace = maxEventsPerTrace;
        this.maxMessageLength = maxMessageLength;
        this.level = level;
        this.traces = new ConcurrentHashMap<>(Math.min(maxTraces, 1024));
    }

    private static void requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
        }
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
        String traceId = bounded.traceId();
        while (true) {
            TraceBuffer buffer = this.traces.get(traceId);
            if (buffer == null) {
                if (addTrace(traceId, bounded)) {
                    return;
                }
            }
            else if (buffer.add(bounded, this.sequence, this.droppedEvents)) {
                return;
            }
            // Lost a race with another thread adding this trace, or with its eviction.
        }
    }

    private boolean addTrace(String traceId, TraceLogEvent event) {
        reserveSlot();
        TraceBuffer created = new TraceBuffer(traceId, Math.min(INITIAL_CAPACITY, this.maxEventsPerTrace),
                this.maxEventsPerTrace);
        // Added before it is shared: a kept trace always has an event, and its adder's.
        created.add(event, this.sequence, this.droppedEvents);
        if (this.traces.putIfAbsent(traceId, created) != null) {
            this.slots.decrementAndGet();
            return false;
        }
        return true;
    }

    private void reserveSlot() {
        while (true) {
            int used = this.slots.get();
            if (used < this.maxTraces) {
                if (this.slots.compareAndSet(used, used + 1)) {
                    return;
                }
            }
            else if (!evictLeastRecentlyWritten()) {
                // Every slot is held by a trace being added by another thread.
                Thread.onSpinWait();
            }
        }
    }

    private boolean evictLeastRecentlyWritten() {
        synchronized (this.evictionLock) {
            for (int snapshot = 0; snapshot < 2; snapshot++) {
                @Nullable Candidate[] candidates = this.candidates;
                while (this.cursor < candidates.length) {
                    Candidate candidate = candidates[this.cursor];
                    candidates[this.cursor++] = null;
                    if (candidate != null && candidate.buffer().evictIfNotWrittenSince(candidate.lastWrite())) {
                        // Only eviction and clear() remove traces, both after marking
                        // them.
                        this.traces.remove(candidate.buffer().traceId, candidate.buffer());
                        this.slots.decrementAndGet();
                        this.evictedTraces.increment();
                        return true;
                    }
                }
                takeSnapshot();
            }
            return false;
        }
    }

    private void takeSnapshot() {
        List<Candidate> snapshot = new ArrayList<>(this.traces.size());
        for (TraceBuffer buffer : this.traces.values()) {
            snapshot.add(new Candidate(buffer, buffer.lastWrite));
        }
        snapshot.sort(Comparator.comparingLong(Candidate::lastWrite));
        this.candidates = snapshot.toArray(new Candidate[0]);
        this.cursor = 0;
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
        for (TraceBuffer buffer : this.traces.values()) {
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
        for (TraceBuffer buffer : this.traces.values()) {
            if (buffer.markRemoved()) {
                this.traces.remove(buffer.traceId, buffer);
                this.slots.decrementAndGet();
            }
        }
        synchronized (this.evictionLock) {
            this.candidates = new Candidate[0];
            this.cursor = 0;
        }
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
        for (TraceBuffer buffer : this.traces.values()) {
            count += buffer.size();
        }
        return count;
    }

    /**
     * The number of traces evicted to make room for new ones since the store was created.
     * @return the number of traces evicted
     */
    public long evictedTraces() {
        return this.evictedTraces.sum();
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
        return this.maxTraces;
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
                String value = maskValue(entry.getKey(), entry.getValue());
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

    private static String maskValue(String key, String value) {
        // A pair such as api_key -> sk-... is masked as the text "api_key=sk-..." would
        // be.
        String pair = key + "=" + value;
        String masked = Secrets.mask(pair);
        if (masked == pair) {
            return value;
        }
        return (masked.startsWith(key + "=")) ? masked.substring(key.length() + 1) : Secrets.MASK;
    }

    private record Candidate(TraceBuffer buffer, long lastWrite) {
    }

    private record Sequenced(long sequence, TraceLogEvent event) {
    }

    /**
     * The events of one trace: a ring buffer that grows up to its maximum, then drops its
     * oldest event. Guarded by its own monitor, except {@link #lastWrite}.
     */
    private static final class TraceBuffer {

        private final String traceId;

        private final int maxEvents;

        private TraceLogEvent[] events;

        private long[] sequences;

        private int head;

        private int size;

        private long dropped;

        private boolean removed;

        private volatile long lastWrite;

        TraceBuffer(String traceId, int initialCapacity, int maxEvents) {
            this.traceId = traceId;
            this.maxEvents = maxEvents;
            this.events = new TraceLogEvent[initialCapacity];
            this.sequences = new long[initialCapacity];
        }

        /**
         * Add an event.
         * @return {@code false} if the trace was evicted and the event not added
         */
        synchronized boolean add(TraceLogEvent event, AtomicLong sequence, LongAdder droppedEvents) {
            if (this.removed) {
                return false;
            }
            // Taken under the lock, so a trace's events are in the order of their
            // sequence.
            long next = sequence.incrementAndGet();
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
            this.lastWrite = next;
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

        synchronized boolean evictIfNotWrittenSince(long lastWrite) {
            if (this.removed || this.lastWrite != lastWrite) {
                return false;
            }
            this.removed = true;
            return true;
        }

        synchronized boolean markRemoved() {
            if (this.removed) {
                return false;
            }
            this.removed = true;
            return true;
        }

        synchronized int size() {
            return this.size;
        }

        synchronized long dropped() {
            return this.dropped;
        }

    }

}
