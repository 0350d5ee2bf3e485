package io.inferlens.inference;

import java.util.List;

import io.inferlens.inference.InferenceObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.tracing.InstrumentedTracingObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * Tracing handler for model calls: a {@code CLIENT} span started with its name, so that
 * samplers see it, and ended with the GenAI attributes typed as the semantic conventions
 * say: token counts as integers, finish reasons as a string array,
 * {@code gen_ai.request.stream} as a boolean and the time to first chunk as a double.
 *
 * @author Inferlens
 */
public class InferenceTracingObservationHandler
        extends InstrumentedTracingObservationHandler<InferenceObservationContext> {

    private static final String INPUT_TOKENS = HighCardinalityKeyNames.USAGE_INPUT_TOKENS.asString();

    private static final String OUTPUT_TOKENS = HighCardinalityKeyNames.USAGE_OUTPUT_TOKENS.asString();

    private static final String CACHE_READ_INPUT_TOKENS = HighCardinalityKeyNames.USAGE_CACHE_READ_INPUT_TOKENS
        .asString();

    private static final String FINISH_REASONS = HighCardinalityKeyNames.RESPONSE_FINISH_REASONS.asString();

    private static final String STREAM = HighCardinalityKeyNames.REQUEST_STREAM.asString();

    private static final String TIME_TO_FIRST_CHUNK = HighCardinalityKeyNames.RESPONSE_TIME_TO_FIRST_CHUNK.asString();

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public InferenceTracingObservationHandler(Tracer tracer) {
        super(tracer, InferenceObservationContext.class);
    }

    @Override
    protected Span.Kind spanKind(InferenceObservationContext context) {
        return Span.Kind.CLIENT;
    }

    @Override
    protected void tagRecordedSpan(InferenceObservationContext context, Span span) {
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

}
