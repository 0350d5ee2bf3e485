package io.inferlens.traced;

import io.inferlens.tracing.InstrumentedTracingObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.jspecify.annotations.Nullable;

/**
 * Tracing handler for {@link io.inferlens.annotation.Traced @Traced} methods: a span
 * started with the operation's name and {@link io.inferlens.annotation.SpanKind kind},
 * whose recorded instances also get the static {@code code.function.name} attribute.
 *
 * @author Inferlens
 */
public class TracedTracingObservationHandler extends InstrumentedTracingObservationHandler<TracedObservationContext> {

    private static final String CODE_FUNCTION_NAME = TracedObservationDocumentation.HighCardinalityKeyNames.CODE_FUNCTION_NAME
        .asString();

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public TracedTracingObservationHandler(Tracer tracer) {
        super(tracer, TracedObservationContext.class);
    }

    @Override
    protected Span.@Nullable Kind spanKind(TracedObservationContext context) {
        return switch (context.getMethod().getKind()) {
            case INTERNAL -> null;
            case CLIENT -> Span.Kind.CLIENT;
            case SERVER -> Span.Kind.SERVER;
            case PRODUCER -> Span.Kind.PRODUCER;
            case CONSUMER -> Span.Kind.CONSUMER;
        };
    }

    @Override
    protected void tagRecordedSpan(TracedObservationContext context, Span span) {
        span.tag(CODE_FUNCTION_NAME, context.getMethod().getFunctionName());
    }

}
