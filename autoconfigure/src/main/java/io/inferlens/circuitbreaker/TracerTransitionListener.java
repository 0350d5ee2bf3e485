package io.inferlens.circuitbreaker;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * {@link TransitionListener} that adds the transition as an event to Micrometer Tracing's
 * current span, for tracers other than OpenTelemetry (such as Brave). Micrometer
 * Tracing's span events carry no attributes, so the attributes are written into the event
 * itself, as in
 * {@code circuit_breaker.state_transition circuit_breaker.name=backend circuit_breaker.from_state=closed circuit_breaker.to_state=open}.
 * With OpenTelemetry, prefer {@link OpenTelemetryTransitionListener}, whose event has
 * proper attributes.
 *
 * @author Inferlens
 */
public class TracerTransitionListener implements TransitionListener {

    private final Tracer tracer;

    /**
     * Create a listener that records on the given tracer's current span.
     * @param tracer the tracer
     */
    public TracerTransitionListener(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void onTransition(String circuitBreakerName, String fromState, String toState) {
        Span span = this.tracer.currentSpan();
        if (span != null && !span.isNoop()) {
            span.event(EVENT_NAME + " " + NAME_ATTRIBUTE + "=" + circuitBreakerName + " " + FROM_STATE_ATTRIBUTE + "="
                    + fromState + " " + TO_STATE_ATTRIBUTE + "=" + toState);
        }
    }

}
