package io.inferlens.observation;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Base of the contexts of the observations Inferlens makes ({@code @Traced} calls, model
 * calls, routing calls and stages): an {@link InstrumentedOperation} whose handlers keep
 * their per-call state in fields rather than in the context's map, so that no map lookup
 * or boxing happens on each event. Its low-cardinality key-values are built once per
 * change rather than on each read: Micrometer builds a new sorted {@link KeyValues} from
 * the context's map on every call, and the meter, tracing and record handlers each read
 * them when the observation stops.
 *
 * @author Inferlens
 */
public abstract class InstrumentedContext extends Observation.Context implements InstrumentedOperation {

    private static final AtomicIntegerFieldUpdater<InstrumentedContext> VERSION = AtomicIntegerFieldUpdater
        .newUpdater(InstrumentedContext.class, "version");

    private long startNanos;

    private volatile boolean cancelled;

    private volatile int version;

    // A new context has none: the empty key-values are its own
    private volatile @Nullable CachedKeyValues lowCardinality = new CachedKeyValues(0, KeyValues.empty());

    private @Nullable Object tracingContext;

    /**
     * Whether the caller cancelled the operation (unsubscribed from its {@code Mono} or
     * {@code Flux}, went away from its stream) before it ended.
     * @return whether it was cancelled
     */
    public boolean isCancelled() {
        return this.cancelled;
    }

    /**
     * Set whether the caller cancelled the operation before it ended.
     * @param cancelled whether it was cancelled
     */
    public void setCancelled(boolean cancelled) {
        this.cancelled = cancelled;
    }

    /**
     * The time the observation started, on the clock of the meter handler that set it.
     * @return the start, in nanoseconds
     */
    public long getStartNanos() {
        return this.startNanos;
    }

    /**
     * Set the time the observation started.
     * @param startNanos the start, in nanoseconds
     */
    public void setStartNanos(long startNanos) {
        this.startNanos = startNanos;
    }

    /**
     * Tracing state kept by Inferlens' tracing handler; typed {@code Object} so that this
     * class loads without Micrometer Tracing.
     * @return the state, or {@code null}
     */
    public @Nullable Object getTracingContext() {
        return this.tracingContext;
    }

    /**
     * Set the tracing state.
     * @param tracingContext the state
     */
    public void setTracingContext(Object tracingContext) {
        this.tracingContext = tracingContext;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues() {
        int version = this.version;
        CachedKeyValues cached = this.lowCardinality;
        if (cached != null && cached.version() == version) {
            return cached.keyValues();
        }
        // Read after the version: a change made meanwhile is in these key-values and
        // bumps the version, so the next read builds them again.
        KeyValues keyValues = super.getLowCardinalityKeyValues();
        this.lowCardinality = new CachedKeyValues(version, keyValues);
        return keyValues;
    }

    @Override
    public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
        super.addLowCardinalityKeyValue(keyValue);
        VERSION.incrementAndGet(this);
        return this;
    }

    /**
     * Add the key-values, as Micrometer does when an observation starts and stops with
     * those of its convention, counting them as one change; when nothing else changed the
     * key-values meanwhile, those kept are merged with these rather than built again from
     * the map.
     * @param keyValues the key-values
     * @return this context
     */
    @Override
    public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
        CachedKeyValues cached = this.lowCardinality;
        int before = this.version;
        for (KeyValue keyValue : keyValues) {
            super.addLowCardinalityKeyValue(keyValue);
        }
        int after = VERSION.incrementAndGet(this);
        if (cached != null && cached.version() == before && after == before + 1) {
            // Merging prefers the added value of a key, as the map does
            this.lowCardinality = new CachedKeyValues(after, cached.keyValues().and(keyValues));
        }
        return this;
    }

    @Override
    public Observation.Context removeLowCardinalityKeyValue(String keyName) {
        super.removeLowCardinalityKeyValue(keyName);
        VERSION.incrementAndGet(this);
        return this;
    }

    @Override
    public Observation.Context removeLowCardinalityKeyValues(String... keyNames) {
        super.removeLowCardinalityKeyValues(keyNames);
        VERSION.incrementAndGet(this);
        return this;
    }

    private record CachedKeyValues(int version, KeyValues keyValues) {

    }

}
