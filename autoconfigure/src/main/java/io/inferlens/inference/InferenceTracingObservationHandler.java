package io.inferlens.inference;

import java.util.List;

import io.inferlens.inference.InferenceObservationDocumentation.HighCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;

/**
 * {@link TracingObservationHandler} for model calls. It starts a {@code CLIENT} span with
 * its name, so that samplers see it, and ends it with the GenAI attributes typed as the
 * semantic conventions say: token counts as integers, finish reasons as a string array,
 * {@code gen_ai.request.stream} as a boolean and the time to first chunk as a double. A
 * span that is not recorded is ended without computing its attributes.
 *
 * @author Inferlens
 */
public class InferenceTracingObservationHandler implements TracingObservationHandler<InferenceObservationContext> {

    private static final String INPUT_TOKENS = HighCardinalityKeyNames.USAGE_INPUT_TOKENS.asString();

    private static final String OUTPUT_TOKENS = HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS.asString();

    private static final String CACHE_READ_INPUT_TOKENS = HighCardinalityKeyNames.USAGE_CACHE_READ_INPUT_TOKENS
        .asString();

    private static final String FINISH_REASONS = HighCardinalityKeyNames.RESPONSE_FINISH_REASONS.asString();

    private static final String STREAM = HighCardinalityKeyNames.REQUEST_STREAM.asString();

    private static final String TIME_TO_FIRST_CHUNK = HighCardinalityKeyNames.RESPONSE_TIME_TO_FIRST_CHUNK.asString();

    private final Tracer tracer;

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public InferenceTracingObservationHandler(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public void onStart(InferenceObservationContext context) {
        Span.Builder builder = this.tracer.spanBuilder().name(getSpanName(context)).kind(Span.Kind.CLIENT);
        Span parent = getParentSpan(context);
        if (parent != null) {
            builder.setParent(parent.context());
        }
        getTracingContext(context).setSpan(builder.start());
    }

    @Override
    public void onStop(InferenceObservationContext context) {
        Span span = getRequiredSpan(context);
        if (!span.isNoop()) {
            span.name(getSpanName(context));
            tagSpan(context, span);
            tagUsage(context, span);
        }
        endSpan(context, span);
    }

    @Override
    public void tagSpan(InferenceObservationContext context, Span span) {
        for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
            span.tag(keyValue.getKey(), keyValue.getValue());
        }
        for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
            span.tag(keyValue.getKey(), keyValue.getValue());
        }
    }

    private static void tagUsage(InferenceObservationContext context, Span span) {
        TokenUsage usage = context.getUsage();
        if (usage.inputTokens() >= 0) {
            span.tag(INPUT_TOKENS, usage.inputTokens());
        }
        if (usage.outputTokens() >= 0) {
            span.tag(OUTPUT_TOKENS, usage.outputTokens());
        }
        if (usage.cacheReadInputTokens() >= 0) {
            span.tag(CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens());
        }
        List<String> finishReasons = usage.finishReasons();
        if (!finishReasons.isEmpty()) {
            span.tagOfStrings(FINISH_REASONS, finishReasons);
        }
        if (context.isStreaming()) {
            span.tag(STREAM, true);
            double timeToFirstChunk = context.getTimeToFirstChunkSeconds();
            if (!Double.isNaN(timeToFirstChunk)) {
                span.tag(TIME_TO_FIRST_CHUNK, timeToFirstChunk);
            }
        }
    }

    @Override
    public TracingContext getTracingContext(InferenceObservationContext context) {
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
        return context instanceof InferenceObservationContext;
    }

    @Override
    public Tracer getTracer() {
        return this.tracer;
    }

}
