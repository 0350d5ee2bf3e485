package io.inferlens.tracing;

import io.inferlens.observation.InstrumentedContext;
import io.inferlens.observation.TraceContextResolver;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * Finds trace and span ids with Micrometer Tracing: an observation's own span, which
 * outlives its scope, or the tracer's current span.
 *
 * @author Inferlens
 */
public class TracerTraceContextResolver implements TraceContextResolver {

    private final Tracer tracer;

    /**
     * Create a resolver.
     * @param tracer the tracer
     */
    public TracerTraceContextResolver(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public @Nullable TraceIds current() {
        return ids(this.tracer.currentSpan());
    }

    @Override
    public @Nullable TraceIds of(Observation.Context context) {
        // Inferlens' contexts keep it in a field: no map lookup
        TracingObservationHandler.TracingContext tracingContext = (context instanceof InstrumentedContext instrumented
                && instrumented.getTracingContext() instanceof TracingObservationHandler.TracingContext held) ? held
                        : context.get(TracingObservationHandler.TracingContext.class);
        TraceIds ids = (tracingContext != null) ? ids(tracingContext.getSpan()) : null;
        return (ids != null) ? ids : current();
    }

    private static @Nullable TraceIds ids(@Nullable Span span) {
        if (span == null) {
            return null;
        }
        // an unsampled span still has ids, which correlate logs; a no-op one has none
        TraceContext context = span.context();
        String traceId = context.traceId();
        if (traceId == null || traceId.isEmpty() || isZeros(traceId)) {
            return null;
        }
        return new TraceIds(traceId, context.spanId(), !Boolean.FALSE.equals(context.sampled()));
    }

    private static boolean isZeros(String id) {
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }

}
