package io.inferlens.traced;

import io.inferlens.observation.InstrumentedContext;

/**
 * Context of the observation of one call of a
 * {@link io.inferlens.annotation.Traced @Traced} method.
 *
 * @author Inferlens
 */
public class TracedObservationContext extends InstrumentedContext {

    private final TracedMethod method;

    private long callStartNanos;

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

    long getCallStartNanos() {
        return this.callStartNanos;
    }

    void setCallStartNanos(long callStartNanos) {
        this.callStartNanos = callStartNanos;
    }

}
