package io.inferlens.traced;

import io.inferlens.observation.InstrumentedOperation;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one call of a
 * {@link io.inferlens.annotation.Traced @Traced} method.
 *
 * @author Inferlens
 */
public class TracedObservationContext extends Observation.Context implements InstrumentedOperation {

    private final TracedMethod method;

    private long startNanos;

    private @Nullable Object tracingContext;

    /**
     * Create a context for a call of the given method.
     * @param method the method's metadata
     */
    public TracedObservationContext(TracedMethod method) {
        this.method = method;
        setName(method.getName());
        setContextualName(method.getName());
    }

    /**
     * Metadata of the method being called.
     * @return the method
     */
    public TracedMethod getMethod() {
        return this.method;
    }

    @Override
    public String getOperationName() {
        return this.method.getName();
    }

    long getStartNanos() {
        return this.startNanos;
    }

    void setStartNanos(long startNanos) {
        this.startNanos = startNanos;
    }

    /**
     * Tracing state kept by {@link TracedTracingObservationHandler}, held in a field so
     * that it needs no map lookup on each event; typed {@code Object} so that this class
     * loads without Micrometer Tracing.
     */
    @Nullable Object getTracingContext() {
        return this.tracingContext;
    }

    void setTracingContext(Object tracingContext) {
        this.tracingContext = tracingContext;
    }

}
