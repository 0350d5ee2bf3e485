package io.inferlens.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Base of the contexts of the observations Inferlens makes ({@code @Traced} calls, model
 * calls, routing calls and stages): an {@link InstrumentedOperation} whose handlers keep
 * their per-call state in fields rather than in the context's map, so that no map lookup
 * or boxing happens on each event.
 *
 * @author Inferlens
 */
public abstract class InstrumentedContext extends Observation.Context implements InstrumentedOperation {

    private long startNanos;

    private @Nullable Object tracingContext;

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

}
