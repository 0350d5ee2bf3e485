package io.inferlens.web;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * Reads the trace and span ids of the span that Micrometer Tracing's handler attached to
 * an observation. Only touched when Micrometer Tracing is on the class path.
 *
 * @author Inferlens
 */
public final class TracingIds {

    private TracingIds() {
    }

    public static @Nullable String traceId(Observation.Context context) {
        TraceContext traceContext = traceContext(context);
        return (traceContext != null) ? nonEmpty(traceContext.traceId()) : null;
    }

    public static @Nullable String spanId(Observation.Context context) {
        TraceContext traceContext = traceContext(context);
        return (traceContext != null) ? nonEmpty(traceContext.spanId()) : null;
    }

    private static @Nullable TraceContext traceContext(Observation.Context context) {
        TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
        Span span = (tracing != null) ? tracing.getSpan() : null;
        return (span != null && !span.isNoop()) ? span.context() : null;
    }

    private static @Nullable String nonEmpty(@Nullable String id) {
        return (id != null && !id.isEmpty()) ? id : null;
    }

}
