package io.inferlens.routing;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of one routing call: the target picked, how confident the router is in it,
 * its uncertainty and how many candidates were scored. A router's result type may
 * implement it, so that a {@link io.inferlens.annotation.TracedRouting @TracedRouting}
 * method's return value is recorded as its decision; otherwise a
 * {@link RoutingDecisionExtractor} or {@link RoutingRecorder#recordDecision} provides it.
 * <p>
 * Confidence and uncertainty are expected in {@code [0, 1]}: a value outside it, or
 * {@code NaN}, is left out of the histograms and of the span, and logged once.
 *
 * @author Inferlens
 */
public interface RoutingDecision {

    /**
     * Name of the target picked, such as {@code lightweight} or {@code powerful}: the
     * {@code target} tag of the decision meters, so keep the values few.
     * @return the target
     */
    @Nullable String target();

    /**
     * Confidence of the router in the target picked, in {@code [0, 1]}.
     * @return the confidence
     */
    double confidence();

    /**
     * Uncertainty of the router's estimate, in {@code [0, 1]}.
     * @return the uncertainty
     */
    double uncertainty();

    /**
     * Number of candidates scored to take the decision.
     * @return the number of candidates
     */
    int candidateCount();

    /**
     * Create a decision.
     * @param target the target picked
     * @param confidence the confidence, in {@code [0, 1]}
     * @param uncertainty the uncertainty, in {@code [0, 1]}
     * @param candidateCount the number of candidates scored
     * @return the decision
     */
    static RoutingDecision of(String target, double confidence, double uncertainty, int candidateCount) {
        return new SimpleRoutingDecision(target, confidence, uncertainty, candidateCount);
    }

}
