package io.inferlens.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * One buffer per trace id, at most {@code maxTraces} of them, the least recently written
 * evicted when a new trace arrives: the mechanism behind the in-memory trace-log and
 * trace stores.
 * <p>
 * Adding to a trace locks only its buffer: there is no global lock on the add path, only
 * one atomic increment of a sequence that ages the traces (and that stores may use to
 * order their items). A slot is reserved before a trace is added, so the bound holds
 * under concurrency. Finding the least recently written trace sorts a snapshot of the
 * traces by their last write, then evicts from it in order, skipping the traces written
 * since; a snapshot serves many evictions before it is rebuilt. Two threads that add the
 * same new trace at once may each evict a trace while only one adds it, so the count can
 * sit up to one trace per thread under the bound; it never goes over.
 *
 * @param <B> the type of the buffers
 * @author Inferlens
 */
public final class TraceBuffers<B extends TraceBuffers.Buffer> {

    private final int maxTraces;

    private final Function<String, B> factory;

    private final ConcurrentHashMap<String, B> traces;

    /**
     * Traces kept plus traces being added: never above {@link #maxTraces}, and never
     * below the size of {@link #traces}.
     */
    private final AtomicInteger slots = new AtomicInteger();

    /**
     * Traces kept: counted up after a trace is put in {@link #traces} and down after it
     * is removed, before its slot is released, so never above {@link #slots}. The size of
     * a {@link ConcurrentHashMap} is only an estimate while other threads change it, and
     * may then read above the bound.
     */
    private final AtomicInteger kept = new AtomicInteger();

    private final AtomicLong sequence = new AtomicLong();

    private final LongAdder evictedTraces = new LongAdder();

    private final Object evictionLock = new Object();

    /**
     * Traces sorted by their last write when the snapshot was taken, guarded by
     * {@link #evictionLock}.
     */
    private @Nullable Candidate[] candidates = new Candidate[0];

    private int cursor;

    /**
     * Create buffers.
     * @param maxTraces the maximum number of traces, at least 1
     * @param factory creates the empty buffer of a trace id
     */
    public TraceBuffers(int maxTraces, Function<String, B> factory) {
        requireAtLeastOne(maxTraces, "maxTraces");
        this.maxTraces = maxTraces;
        this.factory = factory;
        this.traces = new ConcurrentHashMap<>(Math.min(maxTraces, 1024));
    }

    /**
     * Add an item to the buffer of its trace, creating the buffer, and evicting the least
     * recently written trace to make room, if needed.
     * @param <T> the type of the item
     * @param traceId the trace id
     * @param item the item
     * @param adder adds an item to a buffer, and says {@code false} if the buffer was
     * evicted meanwhile; it should call {@link Buffer#written(long)} with
     * {@link #nextSequence()}, under the buffer's lock
     */
    public <T> void add(String traceId, T item, Adder<B, T> adder) {
        while (true) {
            B buffer = this.traces.get(traceId);
            if (buffer == null) {
                if (addTrace(traceId, item, adder)) {
                    return;
                }
            }
            else if (adder.add(buffer, item)) {
                return;
            }
            // Lost a race with another thread adding this trace, or with its eviction.
        }
    }

    private <T> boolean addTrace(String traceId, T item, Adder<B, T> adder) {
        reserveSlot();
        B created = this.factory.apply(traceId);
        // Added to before it is shared: a kept trace always has an item, its adder's.
        adder.add(created, item);
        if (this.traces.putIfAbsent(traceId, created) != null) {
            this.slots.decrementAndGet();
            return false;
        }
        this.kept.incrementAndGet();
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
                        this.traces.remove(candidate.buffer().traceId(), candidate.buffer());
                        this.kept.decrementAndGet();
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
        for (B buffer : this.traces.values()) {
            snapshot.add(new Candidate(buffer, buffer.lastWrite()));
        }
        snapshot.sort(Comparator.comparingLong(Candidate::lastWrite));
        this.candidates = snapshot.toArray(new Candidate[0]);
        this.cursor = 0;
    }

    /**
     * Check a bound of a store.
     * @param value the bound
     * @param name its name, for the message
     * @throws IllegalArgumentException if the bound is less than 1
     */
    public static void requireAtLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, but was " + value);
        }
    }

    /**
     * The next value of the sequence that ages traces, increasing across all traces.
     * @return the value
     */
    public long nextSequence() {
        return this.sequence.incrementAndGet();
    }

    /**
     * The buffer of a trace.
     * @param traceId the trace id
     * @return its buffer, or {@code null} if the trace is not kept
     */
    public @Nullable B get(String traceId) {
        return this.traces.get(traceId);
    }

    /**
     * The buffers of the traces kept, a weakly consistent view.
     * @return the buffers
     */
    public Collection<B> buffers() {
        return this.traces.values();
    }

    /**
     * The number of traces kept.
     * @return the number
     */
    public int size() {
        return this.kept.get();
    }

    /**
     * The maximum number of traces kept.
     * @return the maximum
     */
    public int getMaxTraces() {
        return this.maxTraces;
    }

    /**
     * The number of traces evicted to make room for newer ones.
     * @return the number
     */
    public long evictedTraces() {
        return this.evictedTraces.sum();
    }

    /**
     * Forget every trace.
     */
    public void clear() {
        for (B buffer : this.traces.values()) {
            if (buffer.markRemoved()) {
                this.traces.remove(buffer.traceId(), buffer);
                this.kept.decrementAndGet();
                this.slots.decrementAndGet();
            }
        }
        synchronized (this.evictionLock) {
            this.candidates = new Candidate[0];
            this.cursor = 0;
        }
    }

    /**
     * Adds an item to a buffer.
     *
     * @param <B> the type of the buffer
     * @param <T> the type of the item
     */
    @FunctionalInterface
    public interface Adder<B, T> {

        /**
         * Add an item.
         * @param buffer the buffer
         * @param item the item
         * @return {@code false} if the buffer was evicted and the item not added
         */
        boolean add(B buffer, T item);

    }

    /**
     * The buffer of one trace. Subclasses hold the items, and guard them, and
     * {@link #isRemoved()}, with the buffer's own monitor.
     */
    public abstract static class Buffer {

        private final String traceId;

        private boolean removed;

        private volatile long lastWrite;

        /**
         * Create the buffer of a trace.
         * @param traceId the trace id
         */
        protected Buffer(String traceId) {
            this.traceId = traceId;
        }

        /**
         * The trace id.
         * @return the trace id
         */
        public final String traceId() {
            return this.traceId;
        }

        /**
         * Whether the trace was evicted or cleared; call with the buffer's monitor held.
         * @return whether it was removed
         */
        protected final boolean isRemoved() {
            return this.removed;
        }

        /**
         * Record a write; call with the buffer's monitor held.
         * @param sequence the value of {@link TraceBuffers#nextSequence()} for it
         */
        protected final void written(long sequence) {
            this.lastWrite = sequence;
        }

        final long lastWrite() {
            return this.lastWrite;
        }

        final synchronized boolean evictIfNotWrittenSince(long lastWrite) {
            if (this.removed || this.lastWrite != lastWrite) {
                return false;
            }
            this.removed = true;
            return true;
        }

        final synchronized boolean markRemoved() {
            if (this.removed) {
                return false;
            }
            this.removed = true;
            return true;
        }

    }

    private record Candidate(Buffer buffer, long lastWrite) {

    }

}
