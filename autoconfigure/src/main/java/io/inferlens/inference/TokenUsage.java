package io.inferlens.inference;

import java.util.List;

import io.inferlens.privacy.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * What a model's response reports of a call: the tokens it used and, when known, the
 * model that answered and why it stopped. A count of {@value #UNKNOWN} is unknown and
 * recorded nowhere.
 *
 * @param inputTokens tokens of the input, including those read from a cache
 * ({@code gen_ai.usage.input_tokens})
 * @param outputTokens tokens of the output ({@code gen_ai.usage.output_tokens})
 * @param cacheReadInputTokens input tokens served from the provider's cache
 * ({@code gen_ai.usage.cache_read.input_tokens})
 * @param responseModel the model that generated the response
 * ({@code gen_ai.response.model}), or {@code null}
 * @param finishReasons why the model stopped, one per generation
 * ({@code gen_ai.response.finish_reasons})
 * @author Inferlens
 */
public record TokenUsage(long inputTokens, long outputTokens, long cacheReadInputTokens, @Nullable String responseModel,
        List<String> finishReasons) {

    /**
     * A count that is not known.
     */
    public static final long UNKNOWN = -1;

    /**
     * Usage with nothing known.
     */
    public static final TokenUsage NONE = new TokenUsage(UNKNOWN, UNKNOWN, UNKNOWN, null, List.of());

    /**
     * Create a usage; negative counts are taken as unknown.
     * @param inputTokens input tokens
     * @param outputTokens output tokens
     * @param cacheReadInputTokens input tokens read from a cache
     * @param responseModel the model that answered, or {@code null}
     * @param finishReasons why the model stopped
     */
    public TokenUsage {
        inputTokens = Math.max(inputTokens, UNKNOWN);
        outputTokens = Math.max(outputTokens, UNKNOWN);
        cacheReadInputTokens = Math.max(cacheReadInputTokens, UNKNOWN);
        responseModel = (responseModel != null && !responseModel.isBlank()) ? Secrets.safeName(responseModel) : null;
        finishReasons = List.copyOf(finishReasons);
    }

    /**
     * Usage of the given input and output tokens.
     * @param inputTokens input tokens
     * @param outputTokens output tokens
     * @return the usage
     */
    public static TokenUsage of(long inputTokens, long outputTokens) {
        return new TokenUsage(inputTokens, outputTokens, UNKNOWN, null, List.of());
    }

    /**
     * This usage with the given count of input tokens read from a cache.
     * @param cacheReadInputTokens the count
     * @return a new usage
     */
    public TokenUsage withCacheReadInputTokens(long cacheReadInputTokens) {
        return new TokenUsage(this.inputTokens, this.outputTokens, cacheReadInputTokens, this.responseModel,
                this.finishReasons);
    }

    /**
     * This usage with the given response model.
     * @param responseModel the model that answered
     * @return a new usage
     */
    public TokenUsage withResponseModel(@Nullable String responseModel) {
        return new TokenUsage(this.inputTokens, this.outputTokens, this.cacheReadInputTokens, responseModel,
                this.finishReasons);
    }

    /**
     * This usage with the given finish reasons.
     * @param finishReasons why the model stopped
     * @return a new usage
     */
    public TokenUsage withFinishReasons(List<String> finishReasons) {
        return new TokenUsage(this.inputTokens, this.outputTokens, this.cacheReadInputTokens, this.responseModel,
                finishReasons);
    }

    /**
     * Whether any token count is known.
     * @return whether tokens are known
     */
    public boolean hasTokens() {
        return this.inputTokens >= 0 || this.outputTokens >= 0;
    }

    /**
     * This usage completed by another: each count, model or reason this one does not know
     * is taken from the other. Used to merge the chunks of a stream, where usage and
     * finish reasons may come in different chunks.
     * @param other the other usage
     * @return the merged usage
     */
    public TokenUsage orElse(TokenUsage other) {
        if (addsNothingTo(other)) {
            return other;
        }
        return new TokenUsage((this.inputTokens >= 0) ? this.inputTokens : other.inputTokens,
                (this.outputTokens >= 0) ? this.outputTokens : other.outputTokens,
                (this.cacheReadInputTokens >= 0) ? this.cacheReadInputTokens : other.cacheReadInputTokens,
                (this.responseModel != null) ? this.responseModel : other.responseModel,
                this.finishReasons.isEmpty() ? other.finishReasons : this.finishReasons);
    }

    private boolean addsNothingTo(TokenUsage other) {
        return (this.inputTokens < 0 || this.inputTokens == other.inputTokens)
                && (this.outputTokens < 0 || this.outputTokens == other.outputTokens)
                && (this.cacheReadInputTokens < 0 || this.cacheReadInputTokens == other.cacheReadInputTokens)
                && (this.responseModel == null || this.responseModel.equals(other.responseModel))
                && (this.finishReasons.isEmpty() || this.finishReasons.equals(other.finishReasons));
    }

}
