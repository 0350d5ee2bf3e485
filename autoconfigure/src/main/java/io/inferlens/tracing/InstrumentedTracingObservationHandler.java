package io.inferlens.tracing;

import io.inferlens.observation.InstrumentedContext;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * Base of Inferlens' {@link TracingObservationHandler}s. Unlike Micrometer's default
 * handler, which names a span only when it ends, it starts the span with its name and
 * kind, so that samplers see them and exporters get the right kind. At the end, the span
 * of a recorded (sampled) call is named again, as a convention may name it from what the
 * call found out, and tagged with the observation's low- and high-cardinality key-values
 * and what {@link #tagRecordedSpan} adds; a span that is not recorded is ended without
 * computing any of that.
 *
 * @param <C> the type of context
 * @author Inferlens
 */
public abstract class InstrumentedTracingObservationHandler<C extends InstrumentedContext>
        implements TracingObservationHandler<C> {

    /**
     * Attribute of the span of an operation its caller cancelled before it ended: a
     * stream the client went away from. The span is not marked failed.
     */
    public static final String CANCELLED = "inferlens.cancelled";

    private final Tracer tracer;

    private final Class<C> contextType;

    /**
     * Create a handler.
     * @param tracer the tracer that starts spans
     * @param contextType the type of context it handles
     */
    protected InstrumentedTracingObservationHandler(Tracer tracer, Class<C> contextType) {
        this.tracer = tracer;
        this.contextType = contextType;
    }

    /**
     * The kind of a call's span.
     * @param context the call's context
     * @return the kind, or {@code null} for {@code INTERNAL}
     */
    protected abstract Span.@Nullable Kind spanKind(C context);

    /**
     * Add to a recorded span what the key-values do not carry, such as attributes typed
     * otherwise than as strings, or static ones. Does nothing by default.
     * @param context the call's context
     * @param span the span
     */
    protected void tagRecordedSpan(C context, Span span) {
    }

    @Override
    public void onStart(C context) {
        Span.Builder builder = this.tracer.spanBuilder().name(getSpanName(context));
        Span.Kind kind = spanKind(context);
        if (kind != null) {
            builder.kind(kind);
        }
        Span parent = getParentSpan(context);
        if (parent != null) {
            builder.setParent(parent.context());
        }
        getTracingContext(context).setSpan(builder.start());
    }

    @Override
    public void onStop(C context) {
        Span span = getRequiredSpan(context);
        if (!span.isNoop()) {
            span.name(getSpanName(context));
            tagSpan(context, span);
            tagRecordedSpan(context, span);
        }
        endSpan(context, span);
    }

    /**
     * Tag the span with the observation's low- and high-cardinality key-values, one set
     * after the other rather than merged first; a key-value named {@code error} marks the
     * span as failed, as Micrometer's handlers do.
     */
    @Override
    public void tagSpan(C context, Span span) {
        tag(context.getLowCardinalityKeyValues(), span);
        tag(context.getHighCardinalityKeyValues(), span);
        if (context.isCancelled()) {
            span.tag(CANCELLED, true);
        }
    }

    private static void tag(KeyValues keyValues, Span span) {
        for (KeyValue keyValue : keyValues) {
            if (keyValue.getKey().equalsIgnoreCase("error")) {
                span.error(new RuntimeException(keyValue.getValue()));
            }
            else {
                span.tag(keyValue.getKey(), keyValue.getValue());
            }
        }
    }

    @Override
    public TracingContext getTracingContext(C context) {
        Object cached = context.getTracingContext();
        if (cached != null) {
            return (TracingContext) cached;
        }
        TracingContext tracingContext = TracingObservationHandler.super.getTracingContext(context);
        context.setTracingContext(tracingContext);
        return tracingContext;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return this.contextType.isInstance(context);
    }

    @Override
    public Tracer getTracer() {
        return this.tracer;
    }

}
