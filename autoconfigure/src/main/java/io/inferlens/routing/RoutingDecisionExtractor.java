package io.inferlens.routing;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link RoutingDecision} in the result of a routing call whose type does not
 * implement it, such as a type the application cannot change. Extractors are asked in
 * order until one returns a decision; one that throws is logged once and skipped, and the
 * routing call is unaffected.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface RoutingDecisionExtractor {

    /**
     * Extract the decision from the result of a routing call.
     * @param result the result, never {@code null}
     * @return the decision, or {@code null} if this extractor does not handle the result
     */
    @Nullable RoutingDecision extract(Object result);

    /**
     * Create an extractor for results of the given type, which returns {@code null} for
     * any other.
     * @param <T> the type of result
     * @param type the type of result handled
     * @param extractor extracts the decision from a result of that type
     * @return the extractor
     */
    static <T> RoutingDecisionExtractor forType(Class<T> type,
            Function<? super T, ? extends @Nullable RoutingDecision> extractor) {
        return (result) -> type.isInstance(result) ? extractor.apply(type.cast(result)) : null;
    }

}
