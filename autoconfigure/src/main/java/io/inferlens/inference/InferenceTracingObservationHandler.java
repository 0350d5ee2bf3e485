package io.inferlens.inference;

import java.util.List;

import io.inferlens.inference.InferenceObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.tracing.InstrumentedTracingObservationHandler;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

/**
 * Tracing handler for model calls: a {@code CLIENT} span started with its name, so that
 * samplers see it, and ended with the GenAI attributes typed as the semantic conventions
 * say: token counts as integers, finish reasons as a string array,
 * {@code gen_ai.request.stream} as a boolean and the time to first chunk as a double, and
 * the call's cost ({@value #COST}) from the price table. A call inside which a model
 * library observed the model calls ({@link InferenceObservationContext#isDelegated()})
 * ends as a plain span named after its method, with no {@code gen_ai.*} attribute and the
 * number of calls inside ({@value #MODEL_CALLS}).
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

    /**
     * Attribute of the cost of a call, in the price table's unit (US dollars by default).
     */
    public static final String COST = "gen_ai.usage.cost";

    /**
     * Attribute of the number of model calls observed inside a delegated call.
     */
    public static final String MODEL_CALLS = "inferlens.inference.model_calls";

    private static final String GEN_AI_PREFIX = "gen_ai.";

    private final PriceTable prices;

    private static final String TIME_TO_FIRST_CHUNK = HighCardinalityKeyNames.RESPONSE_TIME_TO_FIRST_CHUNK.asString();

    /**
     * Create a handler that starts spans with the given tracer.
     * @param tracer the tracer
     */
    public InferenceTracingObservationHandler(Tracer tracer) {
        this(tracer, PriceTable.EMPTY);
    }

    /**
     * Create a handler that tags each span with the call's cost.
     * @param tracer the tracer
     * @param prices the prices of the models
     */
    public InferenceTracingObservationHandler(Tracer tracer, PriceTable prices) {
        super(tracer, InferenceObservationContext.class);
        this.prices = prices;
    }

    @Override
    public String getSpanName(InferenceObservationContext context) {
        return context.isDelegated() ? context.getEnclosingName() : super.getSpanName(context);
    }

    @Override
    public void tagSpan(InferenceObservationContext context, Span span) {
        if (!context.isDelegated()) {
            super.tagSpan(context, span);
            return;
        }
        tagOtherThanGenAi(context.getLowCardinalityKeyValues(), span);
        tagOtherThanGenAi(context.getHighCardinalityKeyValues(), span);
        span.tag(MODEL_CALLS, context.getModelCallsInside());
        if (context.isCancelled()) {
            span.tag(CANCELLED, true);
        }
    }

    private static void tagOtherThanGenAi(KeyValues keyValues, Span span) {
        for (KeyValue keyValue : keyValues) {
            if (!keyValue.getKey().startsWith(GEN_AI_PREFIX)) {
                span.tag(keyValue.getKey(), keyValue.getValue());
            }
        }
    }

    @Override
    protected Span.Kind spanKind(InferenceObservationContext context) {
        return Span.Kind.CLIENT;
    }

    @Override
    protected void tagRecordedSpan(InferenceObservationContext context, Span span) {
        if (context.isDelegated()) {
            return;
        }
        TokenUsage usage = context.getUsage();
        double cost = this.prices.cost(usage, usage.responseModel(), context.getRequestModel());
        if (!Double.isNaN(cost)) {
            span.tag(COST, cost);
        }
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
