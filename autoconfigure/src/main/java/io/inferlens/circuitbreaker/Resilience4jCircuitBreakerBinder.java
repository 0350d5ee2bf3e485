package io.inferlens.circuitbreaker;

import java.util.Locale;
import java.util.function.Supplier;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.circuitbreaker.event.CircuitBreakerOnStateTransitionEvent;
import io.github.resilience4j.core.EventConsumer;
import io.github.resilience4j.core.registry.EntryAddedEvent;
import io.github.resilience4j.core.registry.EntryRemovedEvent;
import io.github.resilience4j.core.registry.EntryReplacedEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Binds Resilience4j {@link CircuitBreaker}s to {@link CircuitBreakerMetrics}: a state
 * gauge per breaker, and a span event for each state transition (Resilience4j publishes
 * transitions synchronously, on the thread whose call caused them, so the event lands on
 * that call's span).
 * <p>
 * {@link #bindTo(CircuitBreakerRegistry)} binds the breakers a registry holds and,
 * through the registry's events, those added to it later; a removed breaker loses its
 * gauge, a replaced one hands it to its replacement. Binding is idempotent.
 * <p>
 * States map by whether calls go through: {@code FORCED_OPEN} is
 * {@link CircuitBreakerState#OPEN}; {@code DISABLED} and {@code METRICS_ONLY}, which let
 * every call through, are {@link CircuitBreakerState#CLOSED}. Span events carry
 * Resilience4j's own state names in lower case ({@code forced_open}, {@code disabled},
 * ...).
 * <p>
 * Resilience4j runs registry event consumers unguarded in the caller of
 * {@code registry.circuitBreaker(name)}, and a throwing state-transition consumer keeps
 * the consumers after it from seeing the event, so every consumer here swallows its
 * failures (logged once at WARN, then at DEBUG).
 *
 * @author Inferlens
 */
public class Resilience4jCircuitBreakerBinder {

    private static final Log logger = LogFactory.getLog(Resilience4jCircuitBreakerBinder.class);

    private static final String[] STATE_NAMES;

    static {
        CircuitBreaker.State[] states = CircuitBreaker.State.values();
        STATE_NAMES = new String[states.length];
        for (CircuitBreaker.State state : states) {
            STATE_NAMES[state.ordinal()] = state.name().toLowerCase(Locale.ROOT);
        }
    }

    private final CircuitBreakerMetrics metrics;

    // One instance of each consumer: Resilience4j keeps consumers in sets, so subscribing
    // the same instance twice is a no-op, which makes binding idempotent.
    private final EventConsumer<EntryAddedEvent<CircuitBreaker>> onEntryAdded = (event) -> bind(event.getAddedEntry());

    private final EventConsumer<EntryRemovedEvent<CircuitBreaker>> onEntryRemoved = (event) -> unbind(
            event.getRemovedEntry());

    private final EventConsumer<EntryReplacedEvent<CircuitBreaker>> onEntryReplaced = (event) -> bind(
            event.getNewEntry());

    private final EventConsumer<CircuitBreakerOnStateTransitionEvent> onStateTransition = this::stateTransition;

    private volatile boolean failureLogged;

    /**
     * Create a binder.
     * @param metrics where to report the state of circuit breakers
     */
    public Resilience4jCircuitBreakerBinder(CircuitBreakerMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Bind every circuit breaker of the given registry, now and as they are added.
     * @param registry the registry
     */
    public void bindTo(CircuitBreakerRegistry registry) {
        // Subscribe first: a breaker added meanwhile is then bound by the event, the
        // loop,
        // or both.
        registry.getEventPublisher()
            .onEntryAdded(this.onEntryAdded)
            .onEntryRemoved(this.onEntryRemoved)
            .onEntryReplaced(this.onEntryReplaced);
        for (CircuitBreaker circuitBreaker : registry.getAllCircuitBreakers()) {
            bind(circuitBreaker);
            if (registry.find(circuitBreaker.getName()).orElse(null) != circuitBreaker) {
                // Removed or replaced between the listing and the binding.
                unbind(circuitBreaker);
            }
        }
    }

    /**
     * Bind one circuit breaker: a gauge of its state under its name, replacing the
     * supplier of any gauge of that name, and its state transitions as span events.
     * @param circuitBreaker the circuit breaker
     */
    public void bind(CircuitBreaker circuitBreaker) {
        try {
            this.metrics.bind(circuitBreaker.getName(), new StateOf(circuitBreaker));
            circuitBreaker.getEventPublisher().onStateTransition(this.onStateTransition);
        }
        catch (RuntimeException | LinkageError ex) {
            instrumentationFailed("bind", CircuitBreakerMetrics.displayName(circuitBreaker.getName()), ex);
        }
    }

    /**
     * Unbind one circuit breaker: remove its gauge, unless a newer breaker of the same
     * name is bound. Resilience4j cannot unsubscribe event consumers, so transitions of a
     * breaker still in use after this are still recorded.
     * @param circuitBreaker the circuit breaker
     */
    public void unbind(CircuitBreaker circuitBreaker) {
        try {
            this.metrics.unbind(circuitBreaker.getName(), new StateOf(circuitBreaker));
        }
        catch (RuntimeException | LinkageError ex) {
            instrumentationFailed("unbind", CircuitBreakerMetrics.displayName(circuitBreaker.getName()), ex);
        }
    }

    /**
     * The state Inferlens reports for a Resilience4j state.
     * @param state the Resilience4j state
     * @return the reported state
     */
    public static CircuitBreakerState toCircuitBreakerState(CircuitBreaker.State state) {
        return switch (state) {
            case OPEN, FORCED_OPEN -> CircuitBreakerState.OPEN;
            case HALF_OPEN -> CircuitBreakerState.HALF_OPEN;
            // CLOSED, and the states that let every call through: DISABLED, METRICS_ONLY
            default -> CircuitBreakerState.CLOSED;
        };
    }

    /**
     * Name of a Resilience4j state in span attributes.
     * @param state the Resilience4j state
     * @return its name in lower case, such as {@code forced_open}
     */
    public static String toAttributeValue(CircuitBreaker.State state) {
        return STATE_NAMES[state.ordinal()];
    }

    private void stateTransition(CircuitBreakerOnStateTransitionEvent event) {
        try {
            CircuitBreaker.StateTransition transition = event.getStateTransition();
            this.metrics.recordTransition(event.getCircuitBreakerName(), toAttributeValue(transition.getFromState()),
                    toAttributeValue(transition.getToState()));
        }
        catch (RuntimeException | LinkageError ex) {
            instrumentationFailed("record a state transition of", event.getCircuitBreakerName(), ex);
        }
    }

    private void instrumentationFailed(String action, String circuitBreakerName, Throwable ex) {
        String message = "Failed to " + action + " circuit breaker '" + circuitBreakerName + "'";
        if (!this.failureLogged) {
            this.failureLogged = true;
            logger.warn(message + "; the circuit breaker itself is unaffected (further failures are logged at DEBUG)",
                    ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug(message, ex);
        }
    }

    /**
     * The state of one circuit breaker; equal for the same breaker, so that unbinding a
     * breaker can tell whether the gauge still reads it.
     */
    private record StateOf(CircuitBreaker circuitBreaker) implements Supplier<CircuitBreakerState> {

        @Override
        public CircuitBreakerState get() {
            return toCircuitBreakerState(this.circuitBreaker.getState());
        }

        @Override
        public boolean equals(@Nullable Object other) {
            return other instanceof StateOf that && this.circuitBreaker == that.circuitBreaker;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this.circuitBreaker);
        }

    }

}
