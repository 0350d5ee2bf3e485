package io.inferlens.routing;

import io.inferlens.tracing.InstrumentedTracingObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;

/**
 * Tracing handler for routing calls and their stages: {@code INTERNAL} spans started with
 * the stage's name, so that samplers see it.
 *
 * @author Inferlens
 */
public class RoutingTracingObservationHandler extends InstrumentedTracingObservationHandler<RoutingObservationContext> {

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public RoutingTracingObservationHandler(Tracer tracer) {
        super(tracer, RoutingObservationContext.class);
    }

    @Override
    protected Span.@Nullable Kind spanKind(RoutingObservationContext context) {
        return null;
    }

}
