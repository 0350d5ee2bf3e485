package io.inferlens.inference;

import java.util.List;

import io.inferlens.spring.ai.SpringAiTokenUsageExtractor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The {@link TokenUsageExtractor}s in force, asked in order. An extractor that throws is
 * skipped for that result, and its failure logged once at WARN, then at DEBUG: reading
 * the usage never fails the call it observes.
 *
 * @author Inferlens
 */
public final class TokenUsageExtractors {

    private static final Log logger = LogFactory.getLog(TokenUsageExtractors.class);

    private final TokenUsageExtractor[] extractors;

    private volatile boolean failureLogged;

    /**
     * Create the chain.
     * @param extractors the extractors, in order
     */
    public TokenUsageExtractors(List<? extends TokenUsageExtractor> extractors) {
        this.extractors = extractors.toArray(new TokenUsageExtractor[0]);
    }

    /**
     * The built-in extractors: {@link TokenUsageProvider} results, OpenAI-shaped
     * responses, and Spring AI's {@code ChatResponse} when Spring AI is on the class
     * path.
     * @return the extractors
     */
    public static List<TokenUsageExtractor> builtIn() {
        return builtIn(null);
    }

    /**
     * The built-in extractors, with Spring AI's only when its {@code ChatResponse} is
     * visible to the given class loader (an application context's, say) as well as to
     * Inferlens'.
     * @param classLoader the class loader of the application, or {@code null} for
     * Inferlens' own
     * @return the extractors
     */
    public static List<TokenUsageExtractor> builtIn(@Nullable ClassLoader classLoader) {
        TokenUsageExtractor provider = (result) -> (result instanceof TokenUsageProvider usage) ? usage.getTokenUsage()
                : null;
        String springAi = "org.springframework.ai.chat.model.ChatResponse";
        if (isPresent(springAi, TokenUsageExtractors.class.getClassLoader())
                && (classLoader == null || isPresent(springAi, classLoader))) {
            return List.of(provider, new SpringAiTokenUsageExtractor(), new OpenAiTokenUsageExtractor());
        }
        return List.of(provider, new OpenAiTokenUsageExtractor());
    }

    /**
     * Read the usage of a result from the first extractor that knows it.
     * @param result the result, or {@code null}
     * @return the usage, or {@code null} if no extractor knows the result
     */
    public @Nullable TokenUsage extract(@Nullable Object result) {
        if (result == null) {
            return null;
        }
        for (TokenUsageExtractor extractor : this.extractors) {
            try {
                TokenUsage usage = extractor.extract(result);
                if (usage != null) {
                    return usage;
                }
            }
            catch (RuntimeException | LinkageError ex) {
                failed(extractor, result, ex);
            }
        }
        return null;
    }

    private void failed(TokenUsageExtractor extractor, Object result, Throwable ex) {
        String message = "TokenUsageExtractor " + extractor.getClass().getName() + " failed to read a "
                + result.getClass().getName() + "; its usage is not recorded";
        if (!this.failureLogged) {
            this.failureLogged = true;
            logger.warn(message + " (further failures are logged at DEBUG)", ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug(message, ex);
        }
    }

    private static boolean isPresent(String className, @Nullable ClassLoader classLoader) {
        try {
            Class.forName(className, false, classLoader);
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

}
