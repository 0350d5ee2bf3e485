package io.inferlens.sample.gateway;

/**
 * The router's choice for one request.
 *
 * @param model the model that will answer
 * @param tier {@code lightweight}, {@code powerful}, or {@code explicit} when the client
 * named a model
 * @param complexity estimated complexity of the request, from 0 to 1
 * @param confidence how sure the router is of its choice, from 0.5 to 1
 * @author Inferlens
 */
public record RoutingDecision(String model, String tier, double complexity, double confidence) {

}
