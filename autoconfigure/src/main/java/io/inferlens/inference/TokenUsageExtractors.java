package io.inferlens.inference;

import java.util.List;

import io.inferlens.observation.FailureLog;
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

    private final FailureLog failures = new FailureLog(logger, "TokenUsageExtractor %s; its usage is not recorded");

    /**
     * Create the chain.
     * @param extractors the extractors, in order
     */
    public TokenUsageExtractors(List<? extends TokenUsageExtractor> extractors) {
        this.extractors = extractors.toArray(new TokenUsageExtractor[0]);
    }

    /**
     * The built-in extractors: {@link TokenUsageProvider} results and OpenAI-shaped
     * responses. Extractors of libraries' own types, such as Spring AI's
     * {@code ChatResponse}, are added by the auto-configuration when the library is on
     * the class path.
     * @return the extractors
     */
    public static List<TokenUsageExtractor> builtIn() {
        TokenUsageExtractor provider = (result) -> (result instanceof TokenUsageProvider usage) ? usage.getTokenUsage()
                : null;
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
        this.failures.log(extractor.getClass().getName() + " failed to read a " + result.getClass().getName(), ex);
    }

}
