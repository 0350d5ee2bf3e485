package io.inferlens.traced;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * {@link TracingObservationHandler} for {@link io.inferlens.annotation.Traced @Traced}
 * methods. Unlike Micrometer's default handler, which names a span only when it ends, it
 * starts the span with its name, its {@link io.inferlens.annotation.SpanKind kind} and
 * its {@code code.function.name} attribute, so that samplers see them and exporters the
 * right kind. A span that is not recorded (not sampled) is ended without computing its
 * name and attributes.
 *
 * @author Inferlens
 */
public class TracedTracingObservationHandler implements TracingObservationHandler<TracedObservationContext> {

    private static final String CODE_FUNCTION_NAME = TracedObservationDocumentation.HighCardinalityKeyNames.CODE_FUNCTION_NAME
        .asString();

    private final Tracer tracer;

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public TracedTracingObservationHandler(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void onStart(TracedObservationContext context) {
        Span.Builder builder = this.tracer.spanBuilder().name(getSpanName(context));
        Span.Kind kind = kind(context.getMethod());
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
    public void onStop(TracedObservationContext context) {
        Span span = getRequiredSpan(context);
        if (!span.isNoop()) {
            span.name(getSpanName(context));
            span.tag(CODE_FUNCTION_NAME, context.getMethod().getFunctionName());
            tagSpan(context, span);
        }
        endSpan(context, span);
    }

    /**
     * Tag the span with the observation's low- and high-cardinality key-values, one set
     * after the other rather than merged first.
     */
    @Override
    public void tagSpan(TracedObservationContext context, Span span) {
        tag(context.getLowCardinalityKeyValues(), span);
        tag(context.getHighCardinalityKeyValues(), span);
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
    public TracingContext getTracingContext(TracedObservationContext context) {
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
        return context instanceof TracedObservationContext;
    }

    @Override
    public Tracer getTracer() {
        return this.tracer;
    }

    private static Span.@Nullable Kind kind(TracedMethod method) {
        return switch (method.getKind()) {
            case INTERNAL -> null;
            case CLIENT -> Span.Kind.CLIENT;
            case SERVER -> Span.Kind.SERVER;
            case PRODUCER -> Span.Kind.PRODUCER;
            case CONSUMER -> Span.Kind.CONSUMER;
        };
    }

}
