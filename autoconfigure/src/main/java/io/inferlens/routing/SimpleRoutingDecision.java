package io.inferlens.routing;

/**
 * A {@link RoutingDecision} held by value: the one created by {@link RoutingDecision#of},
 * and the validated copy that Inferlens keeps of a decision so that the user's object is
 * read once.
 *
 * @param target the target picked
 * @param confidence the confidence, or {@code NaN} when it was invalid
 * @param uncertainty the uncertainty, or {@code NaN} when it was invalid
 * @param candidateCount the number of candidates scored
 * @author Inferlens
 */
record SimpleRoutingDecision(String target, double confidence, double uncertainty,
        int candidateCount) implements RoutingDecision {

}
