package io.inferlens.spring.ai;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.inference.TokenUsage;
import io.inferlens.inference.TokenUsageExtractor;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.EmptyUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;

/**
 * Reads Spring AI's {@link ChatResponse}: its usage (prompt, completion and cache-read
 * tokens), model and the finish reason of each generation. Used only when Spring AI is on
 * the class path.
 *
 * @author Inferlens
 */
public class SpringAiTokenUsageExtractor implements TokenUsageExtractor {

    @Override
    public @Nullable TokenUsage extract(Object result) {
        if (!(result instanceof ChatResponse response)) {
            return null;
        }
        ChatResponseMetadata metadata = response.getMetadata();
        Usage usage = metadata.getUsage();
        if (usage instanceof EmptyUsage) {
            return new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, metadata.getModel(),
                    finishReasons(response.getResults()));
        }
        long input = count(usage.getPromptTokens());
        long output = count(usage.getCompletionTokens());
        Long cached = usage.getCacheReadInputTokens();
        return new TokenUsage(input, output, (cached != null) ? cached : TokenUsage.UNKNOWN, metadata.getModel(),
                finishReasons(response.getResults()));
    }

    private static long count(@Nullable Integer tokens) {
        return (tokens != null) ? tokens : TokenUsage.UNKNOWN;
    }

    private static List<String> finishReasons(List<Generation> generations) {
        List<String> reasons = new ArrayList<>(generations.size());
        for (Generation generation : generations) {
            String reason = generation.getMetadata().getFinishReason();
            if (reason != null && !reason.isBlank()) {
                reasons.add(reason);
            }
        }
        return reasons;
    }

    /**
     * Spring AI reports zeros where a response had no usage (a stream cancelled before
     * its last chunk, a chunk before the last): unknown, not free.
     */
    static TokenUsage withoutZeros(TokenUsage usage) {
        if (usage.inputTokens() <= 0 && usage.outputTokens() <= 0) {
            return new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, usage.responseModel(),
                    usage.finishReasons());
        }
        return usage;
    }

}
