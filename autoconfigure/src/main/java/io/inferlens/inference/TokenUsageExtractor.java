package io.inferlens.inference;

import org.jspecify.annotations.Nullable;

/**
 * Reads the token usage, response model and finish reasons from the result of a model
 * call, or from one chunk of a streamed result. Beans of this type are asked in order;
 * the first that knows the result answers. Built-in: results implementing
 * {@link TokenUsageProvider}, OpenAI-shaped responses ({@link OpenAiTokenUsageExtractor})
 * and, when Spring AI is on the class path, Spring AI's {@code ChatResponse}
 * ({@code io.inferlens.spring.ai.SpringAiTokenUsageExtractor}).
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface TokenUsageExtractor {

    /**
     * Read what the result reports of its usage.
     * @param result a non-null result or stream chunk
     * @return the usage, or {@code null} if this extractor does not know the result
     */
    @Nullable TokenUsage extract(Object result);

}
