package io.inferlens.circuitbreaker;

/**
 * Told of each state transition of a circuit breaker, on the thread whose call caused it,
 * to record it on that call's trace. Implementations add a span event named
 * {@value #EVENT_NAME} to the current span, with the attributes {@value #NAME_ATTRIBUTE},
 * {@value #FROM_STATE_ATTRIBUTE} and {@value #TO_STATE_ATTRIBUTE}; see
 * {@link OpenTelemetryTransitionListener} and {@link TracerTransitionListener}.
 * <p>
 * {@link CircuitBreakerMetrics} calls it and swallows what it throws.
 *
 * @author Inferlens
 * @see CircuitBreakerMetrics#recordTransition(String, String, String)
 */
@FunctionalInterface
public interface TransitionListener {

    /**
     * Name of the span event of a state transition.
     */
    String EVENT_NAME = "circuit_breaker.state_transition";

    /**
     * Span event attribute naming the circuit breaker.
     */
    String NAME_ATTRIBUTE = "circuit_breaker.name";

    /**
     * Span event attribute holding the state the circuit breaker left.
     */
    String FROM_STATE_ATTRIBUTE = "circuit_breaker.from_state";

    /**
     * Span event attribute holding the state the circuit breaker entered.
     */
    String TO_STATE_ATTRIBUTE = "circuit_breaker.to_state";

    /**
     * A listener that records nothing.
     */
    TransitionListener NOOP = (circuitBreakerName, fromState, toState) -> {
    };

    /**
     * Record a state transition.
     * @param circuitBreakerName the name of the circuit breaker
     * @param fromState the state it left, in the implementation's own words, lower case
     * (such as {@code closed} or {@code forced_open})
     * @param toState the state it entered, likewise
     */
    void onTransition(String circuitBreakerName, String fromState, String toState);

}
