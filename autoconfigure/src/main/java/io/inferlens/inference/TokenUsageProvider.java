package io.inferlens.inference;

/**
 * Implemented by a result type of a
 * {@link io.inferlens.annotation.TracedInference @TracedInference} method to report its
 * own token usage, read by the built-in {@link TokenUsageExtractor}.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface TokenUsageProvider {

    /**
     * The tokens this result used.
     * @return the usage
     */
    TokenUsage getTokenUsage();

}
