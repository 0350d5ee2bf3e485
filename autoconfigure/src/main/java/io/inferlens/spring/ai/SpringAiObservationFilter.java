package io.inferlens.spring.ai;

import io.inferlens.inference.DefaultInferenceObservationConvention;
import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceObservationConvention;
import io.inferlens.inference.InferenceObservationDocumentation.LowCardinalityKeyNames;
import io.inferlens.inference.PriceTable;
import io.inferlens.inference.TokenUsage;
import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.FailureLog;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.EmbeddingResponseMetadata;
import org.springframework.ai.model.observation.ModelObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;

/**
 * Completes a Spring AI call when Spring AI stops its observation, before the handlers
 * see it: the usage (of a stream's final chunk when {@link SpringAiStreamInterceptor}
 * watched it, else of Spring AI's response), the error and the key-values of Inferlens'
 * convention go into the call's {@link InferenceObservationContext}; the span gets
 * {@code gen_ai.provider.name} (Spring AI sends only the deprecated
 * {@code gen_ai.system}) and {@code error.type}, and from
 * {@link SpringAiTracingObservationHandler}, typed, the cost, the cached input tokens and
 * the time to first chunk. A tool's span gets {@code gen_ai.tool.name},
 * {@code gen_ai.tool.call.id} and {@code gen_ai.tool.type}. Spring AI's low-cardinality
 * key-values are left as they are, so its own meters keep their tags.
 *
 * @author Inferlens
 */
public class SpringAiObservationFilter implements ObservationFilter {

    private static final Log logger = LogFactory.getLog(SpringAiObservationFilter.class);

    private static final SpringAiTokenUsageExtractor USAGE = new SpringAiTokenUsageExtractor();

    private final PriceTable prices;

    private final InferenceObservationConvention convention;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s a Spring AI call's observation; the call itself is unaffected");

    /**
     * Create a filter.
     * @param prices the prices of the models
     * @param convention the convention of Inferlens' key-values of model calls, or
     * {@code null} for the default
     */
    public SpringAiObservationFilter(PriceTable prices, @Nullable InferenceObservationConvention convention) {
        this.prices = prices;
        this.convention = (convention != null) ? convention : DefaultInferenceObservationConvention.INSTANCE;
    }

    @Override
    public Observation.Context map(Observation.Context context) {
        if (context instanceof ToolCallingObservationContext tool) {
            try {
                tagTool(tool);
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures.log("complete", ex);
            }
        }
        else {
            StreamedCall streamed = context.get(StreamedCall.class);
            // a stream whose last chunks are still on their way is completed when they
            // arrive, by the handlers
            if (streamed == null || streamed.isEnded()) {
                complete(context);
            }
        }
        return context;
    }

    /**
     * Complete a Spring AI model call, once: its usage, error and key-values into its
     * {@link InferenceObservationContext}, the attributes Spring AI's span lacks into
     * Spring AI's context. Does nothing for a context that is not a Spring AI model call
     * started while Inferlens watched.
     * @param context the context of Spring AI's observation
     */
    public void complete(Observation.Context context) {
        try {
            if (context instanceof ModelObservationContext<?, ?> model) {
                InferenceObservationContext call = context.get(InferenceObservationContext.class);
                if (call != null && !call.isDelegated()) {
                    // the thread that stops the observation and the one that sees a
                    // stream's last chunk may both complete it: one does, the other waits
                    Completed completed = context.computeIfAbsent(Completed.class, (key) -> new Completed());
                    synchronized (completed) {
                        if (!completed.done) {
                            complete(call, model);
                            completed.done = true;
                        }
                    }
                }
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("complete", ex);
        }
    }

    private void complete(InferenceObservationContext call, ModelObservationContext<?, ?> context) {
        TokenUsage usage = usage(context);
        StreamedCall streamed = context.get(StreamedCall.class);
        if (streamed != null && streamed.usage().hasTokens()) {
            usage = streamed.usage().orElse(usage);
        }
        call.setUsage(usage);
        Throwable error = context.getError();
        if (error != null) {
            call.setError(error);
        }
        call.addLowCardinalityKeyValues(this.convention.getLowCardinalityKeyValues(call));
        context.addHighCardinalityKeyValue(LowCardinalityKeyNames.PROVIDER_NAME.withValue(call.getProvider()));
        String errorType = call.getErrorType();
        if (errorType != null) {
            context.addHighCardinalityKeyValue(LowCardinalityKeyNames.ERROR_TYPE.withValue(errorType));
        }
    }

    /**
     * The cost of a completed call.
     * @param call the call
     * @return the cost in US dollars, {@code NaN} if the model has no price or no tokens
     * are known
     */
    public double cost(InferenceObservationContext call) {
        TokenUsage usage = call.getUsage();
        return this.prices.cost(usage, usage.responseModel(), call.getRequestModel());
    }

    private static TokenUsage usage(ModelObservationContext<?, ?> context) {
        Object response = context.getResponse();
        if (response instanceof ChatResponse chat) {
            TokenUsage usage = USAGE.extract(chat);
            return (usage != null) ? SpringAiTokenUsageExtractor.withoutZeros(usage) : TokenUsage.NONE;
        }
        if (response instanceof EmbeddingResponse embedding) {
            EmbeddingResponseMetadata metadata = embedding.getMetadata();
            Usage usage = metadata.getUsage();
            Integer prompt = usage.getPromptTokens();
            return new TokenUsage((prompt != null) ? prompt : TokenUsage.UNKNOWN, TokenUsage.UNKNOWN,
                    TokenUsage.UNKNOWN, metadata.getModel(), java.util.List.of());
        }
        return TokenUsage.NONE;
    }

    private static final class Completed {

        private boolean done;

    }

    private static void tagTool(ToolCallingObservationContext tool) {
        tool.addHighCardinalityKeyValue(io.micrometer.common.KeyValue.of(SpringAiObservationHandler.TOOL_NAME,
                tool.getToolDefinition().name()));
        tool.addHighCardinalityKeyValue(io.micrometer.common.KeyValue.of("gen_ai.tool.type", tool.getToolType()));
        if (!tool.getToolCallId().isEmpty()) {
            tool.addHighCardinalityKeyValue(
                    io.micrometer.common.KeyValue.of("gen_ai.tool.call.id", tool.getToolCallId()));
        }
        String errorType = ErrorTypes.ofNullable(tool.getError());
        if (errorType != null) {
            tool.addHighCardinalityKeyValue(io.micrometer.common.KeyValue.of(ErrorTypes.KEY, errorType));
        }
    }

}
