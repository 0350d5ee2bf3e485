package io.inferlens.spring.ai;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.inference.InferenceTracingObservationHandler;
import io.inferlens.inference.TokenUsage;
import io.inferlens.tracing.InstrumentedTracingObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;

import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;

/**
 * Tracing handler for Spring AI's chat and embedding model observations: the same span
 * Boot's default handler would make (name, parent, attributes), but of kind
 * {@code CLIENT}, as the OpenTelemetry GenAI conventions want a model call's span; Boot's
 * handler makes every span {@code INTERNAL}. Registered ahead of Boot's default tracing
 * handler.
 *
 * @author Inferlens
 */
public class SpringAiTracingObservationHandler implements TracingObservationHandler<Observation.Context> {

    private static final String CACHE_READ_INPUT_TOKENS = HighCardinalityKeyNames.USAGE_CACHE_READ_INPUT_TOKENS
        .asString();

    private static final String TIME_TO_FIRST_CHUNK = HighCardinalityKeyNames.RESPONSE_TIME_TO_FIRST_CHUNK.asString();

    private final Tracer tracer;

    private final SpringAiObservationFilter completion;

    /**
     * Create a handler.
     * @param tracer the tracer
     * @param completion what completes a call before its span ends, if
     * {@link SpringAiObservationFilter} did not yet (a stream whose last chunks were
     * still on their way when Spring AI stopped its observation)
     */
    public SpringAiTracingObservationHandler(Tracer tracer, SpringAiObservationFilter completion) {
        this.tracer = tracer;
        this.completion = completion;
    }

    @Override
    public void onStart(Observation.Context context) {
        Span.Builder builder = this.tracer.spanBuilder().name(getSpanName(context)).kind(Span.Kind.CLIENT);
        Span parent = getParentSpan(context);
        if (parent != null) {
            builder.setParent(parent.context());
        }
        getTracingContext(context).setSpan(builder.start());
    }

    @Override
    public void onStop(Observation.Context context) {
        Span span = getRequiredSpan(context);
        StreamedCall.afterStream(context, () -> {
            try {
                this.completion.complete(context);
                tagSpan(context, span);
                tagCall(context, span);
                span.name(getSpanName(context));
            }
            finally {
                endSpan(context, span);
            }
        });
    }

    private void tagCall(Observation.Context context, Span span) {
        InferenceObservationContext call = context.get(InferenceObservationContext.class);
        if (call == null || call.isDelegated()) {
            return;
        }
        TokenUsage usage = call.getUsage();
        if (usage.cacheReadInputTokens() >= 0) {
            span.tag(CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens());
        }
        double cost = this.completion.cost(call);
        if (!Double.isNaN(cost)) {
            span.tag(InferenceTracingObservationHandler.COST, cost);
        }
        if (call.isStreaming()) {
            double timeToFirstChunk = call.getTimeToFirstChunkSeconds();
            if (!Double.isNaN(timeToFirstChunk)) {
                span.tag(TIME_TO_FIRST_CHUNK, timeToFirstChunk);
            }
        }
        if (call.isCancelled()) {
            span.tag(InstrumentedTracingObservationHandler.CANCELLED, true);
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ChatModelObservationContext || context instanceof EmbeddingModelObservationContext;
    }

    @Override
    public Tracer getTracer() {
        return this.tracer;
    }

}
