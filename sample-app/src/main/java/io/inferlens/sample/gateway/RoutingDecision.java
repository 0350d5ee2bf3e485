package io.inferlens.sample.gateway;

/**
 * The router's choice for one request. It implements Inferlens'
 * {@link io.inferlens.routing.RoutingDecision}, so returning it from a
 * {@link io.inferlens.annotation.TracedRouting @TracedRouting} method records the
 * decision: target, confidence, uncertainty and candidate count.
 *
 * @param model the model that will answer
 * @param tier {@code lightweight}, {@code powerful}, or {@code explicit} when the client
 * named a model
 * @param policy the routing policy that decided, the variant of the
 * {@code routing-policy} experiment, or {@code explicit}
 * @param complexity estimated complexity of the request, from 0 to 1
 * @param confidence how sure the router is of its choice, from 0.5 to 1
 * @param uncertainty uncertainty of the chosen model's success estimate, from 0 to 1
 * @param candidateCount number of candidate models scored
 * @author Inferlens
 */
public record RoutingDecision(String model, String tier, String policy, double complexity, double confidence,
        double uncertainty, int candidateCount) implements io.inferlens.routing.RoutingDecision {

    @Override
    public String target() {
        return this.tier;
    }

    /**
     * A decision for a request that named its model.
     * @param model the model
     * @param complexity the request's complexity
     * @return the decision
     */
    static RoutingDecision explicit(String model, double complexity) {
        return new RoutingDecision(model, "explicit", "explicit", complexity, 1.0, 0.0, 0);
    }

}
