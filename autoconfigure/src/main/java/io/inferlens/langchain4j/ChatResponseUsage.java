package io.inferlens.langchain4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import io.inferlens.inference.TokenUsage;
import org.jspecify.annotations.Nullable;

/**
 * Reads a LangChain4j {@link ChatResponse} as a {@link TokenUsage}: input and output
 * tokens, the model that answered, and why it stopped as OpenAI spells it ({@code stop},
 * {@code length}, {@code tool_calls}, {@code content_filter}). Input tokens read from the
 * provider's cache are read from LangChain4j's OpenAI module when it is there; it is
 * optional, hence read through method handles found once rather than linked.
 *
 * @author Inferlens
 */
final class ChatResponseUsage {

    private static final Map<FinishReason, List<String>> FINISH_REASONS = finishReasons();

    private static final @Nullable OpenAiCachedTokens OPENAI_CACHED_TOKENS = OpenAiCachedTokens.find();

    private ChatResponseUsage() {
    }

    /**
     * What a response reports of its call.
     * @param response the response
     * @return the usage
     */
    static TokenUsage of(ChatResponse response) {
        ChatResponseMetadata metadata = response.metadata();
        if (metadata == null) {
            return TokenUsage.NONE;
        }
        dev.langchain4j.model.output.TokenUsage tokens = metadata.tokenUsage();
        FinishReason finishReason = metadata.finishReason();
        List<String> finishReasons = (finishReason != null) ? FINISH_REASONS.get(finishReason) : List.of();
        if (tokens == null) {
            return new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, metadata.modelName(),
                    finishReasons);
        }
        OpenAiCachedTokens cachedTokens = OPENAI_CACHED_TOKENS;
        return new TokenUsage(count(tokens.inputTokenCount()), count(tokens.outputTokenCount()),
                (cachedTokens != null) ? cachedTokens.read(tokens) : TokenUsage.UNKNOWN, metadata.modelName(),
                finishReasons);
    }

    private static long count(@Nullable Integer tokens) {
        return (tokens != null) ? tokens : TokenUsage.UNKNOWN;
    }

    private static Map<FinishReason, List<String>> finishReasons() {
        // by name, so that a reason another LangChain4j version lacks is no linkage error
        Map<String, String> openAi = Map.of("STOP", "stop", "LENGTH", "length", "TOOL_EXECUTION", "tool_calls",
                "CONTENT_FILTER", "content_filter");
        Map<FinishReason, List<String>> reasons = new EnumMap<>(FinishReason.class);
        for (FinishReason reason : FinishReason.values()) {
            String name = reason.name();
            reasons.put(reason, List.of(openAi.getOrDefault(name, name.toLowerCase(Locale.ROOT))));
        }
        return reasons;
    }

    /**
     * Reads {@code OpenAiTokenUsage.inputTokensDetails().cachedTokens()}.
     */
    private static final class OpenAiCachedTokens {

        private static final String TOKEN_USAGE = "dev.langchain4j.model.openai.OpenAiTokenUsage";

        private final Class<?> type;

        private final MethodHandle inputTokensDetails;

        private final MethodHandle cachedTokens;

        private OpenAiCachedTokens(Class<?> type, MethodHandle inputTokensDetails, MethodHandle cachedTokens) {
            this.type = type;
            this.inputTokensDetails = inputTokensDetails;
            this.cachedTokens = cachedTokens;
        }

        static @Nullable OpenAiCachedTokens find() {
            try {
                Class<?> type = Class.forName(TOKEN_USAGE, false, ChatModelListener.class.getClassLoader());
                Class<?> details = Class.forName(TOKEN_USAGE + "$InputTokensDetails", false, type.getClassLoader());
                MethodHandles.Lookup lookup = MethodHandles.publicLookup();
                MethodHandle inputTokensDetails = lookup
                    .findVirtual(type, "inputTokensDetails", MethodType.methodType(details))
                    .asType(MethodType.methodType(Object.class, Object.class));
                MethodHandle cachedTokens = lookup
                    .findVirtual(details, "cachedTokens", MethodType.methodType(Integer.class))
                    .asType(MethodType.methodType(Integer.class, Object.class));
                return new OpenAiCachedTokens(type, inputTokensDetails, cachedTokens);
            }
            catch (ReflectiveOperationException | LinkageError ex) {
                // no OpenAI module, or one without cached tokens
                return null;
            }
        }

        long read(dev.langchain4j.model.output.TokenUsage usage) {
            if (!this.type.isInstance(usage)) {
                return TokenUsage.UNKNOWN;
            }
            try {
                Object details = (Object) this.inputTokensDetails.invokeExact((Object) usage);
                Integer cached = (details != null) ? (Integer) this.cachedTokens.invokeExact(details) : null;
                return count(cached);
            }
            catch (RuntimeException | Error ex) {
                throw ex;
            }
            catch (Throwable ex) {
                throw new IllegalStateException(ex);
            }
        }

    }

}
