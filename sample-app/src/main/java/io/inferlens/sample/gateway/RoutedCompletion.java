package io.inferlens.sample.gateway;

/**
 * A completion and the routing decision that produced it.
 *
 * @param decision the routing decision
 * @param response the backend's answer
 * @author Inferlens
 */
public record RoutedCompletion(RoutingDecision decision, ChatCompletionResponse response) {

}
