package io.inferlens.circuitbreaker;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.inferlens.privacy.Secrets;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Observability of circuit breakers, whatever implements them: a gauge
 * {@value #STATE_METER_NAME} (Prometheus {@code inferlens_circuit_breaker_state}) per
 * circuit breaker, tagged with its {@value #NAME_TAG} and valued 0 (closed), 1
 * (half-open) or 2 (open), and a span event for each state transition, through a
 * {@link TransitionListener}.
 * <p>
 * An implementation {@linkplain #bind binds} each circuit breaker by name to a supplier
 * of its current state, {@linkplain #unbind unbinds} it when the breaker is discarded,
 * and {@linkplain #recordTransition reports} each transition on the thread whose call
 * caused it. {@link Resilience4jCircuitBreakerBinder} does so for Resilience4j. There is
 * one gauge per name: binding a name again replaces the supplier the gauge reads.
 * <p>
 * Instrumentation never breaks the circuit breaker: a failing meter registry, state
 * supplier or listener is logged once at WARN (then at DEBUG) and swallowed; a gauge
 * whose supplier fails reads {@code NaN}. Thread-safe.
 *
 * @author Inferlens
 */
public class CircuitBreakerMetrics {

    /**
     * Name of the state gauge.
     */
    public static final String STATE_METER_NAME = "inferlens.circuit_breaker.state";

    /**
     * Tag of the state gauge naming the circuit breaker.
     */
    public static final String NAME_TAG = "name";

    private static final String STATE_METER_DESCRIPTION = "State of the circuit breaker: 0 closed (calls go through),"
            + " 1 half-open (trial calls go through), 2 open (calls are rejected)";

    private static final Log logger = LogFactory.getLog(CircuitBreakerMetrics.class);

    private final MeterRegistry registry;

    private final TransitionListener transitionListener;

    private final Map<String, Binding> bindings = new ConcurrentHashMap<>();

    private volatile boolean failureLogged;

    /**
     * Create an instance that registers gauges in the given registry and records no
     * transitions.
     * @param registry the meter registry
     */
    public CircuitBreakerMetrics(MeterRegistry registry) {
        this(registry, TransitionListener.NOOP);
    }

    /**
     * Create an instance that registers gauges in the given registry and reports
     * transitions to the given listener.
     * @param registry the meter registry
     * @param transitionListener the listener of state transitions
     */
    public CircuitBreakerMetrics(MeterRegistry registry, TransitionListener transitionListener) {
        this.registry = registry;
        this.transitionListener = transitionListener;
    }

    /**
     * Bind the circuit breaker of the given name: its gauge reads the given supplier from
     * now on. Registers the gauge on the first binding of the name; later bindings
     * replace the supplier.
     * @param name the name of the circuit breaker
     * @param state the supplier of its current state, called whenever the gauge is read
     */
    public void bind(String name, Supplier<CircuitBreakerState> state) {
        Objects.requireNonNull(name, "'name' must not be null");
        Objects.requireNonNull(state, "'state' must not be null");
        try {
            this.bindings.compute(name, (key, binding) -> {
                if (binding != null) {
                    binding.state = state;
                    return binding;
                }
                return register(key, state);
            });
        }
        catch (RuntimeException ex) {
            instrumentationFailed("register the state gauge of circuit breaker '" + displayName(name) + "'", ex);
        }
    }

    /**
     * Unbind the circuit breaker of the given name, removing its gauge.
     * @param name the name of the circuit breaker
     * @return whether it was bound
     */
    public boolean unbind(String name) {
        return remove(name, null);
    }

    /**
     * Unbind the circuit breaker of the given name, removing its gauge, only if it is
     * still bound to the given supplier (compared with {@code equals}), as
     * {@link Map#remove(Object, Object)} does; so that discarding a breaker does not
     * remove the gauge of a newer one of the same name.
     * @param name the name of the circuit breaker
     * @param state the supplier it was bound to
     * @return whether it was bound to that supplier
     */
    public boolean unbind(String name, Supplier<CircuitBreakerState> state) {
        return remove(name, state);
    }

    /**
     * Record a state transition of a circuit breaker on the current span; to be called on
     * the thread whose call caused it.
     * @param name the name of the circuit breaker
     * @param fromState the state it left, in the implementation's own words, lower case
     * (such as {@code closed} or {@code forced_open})
     * @param toState the state it entered, likewise
     */
    public void recordTransition(String name, String fromState, String toState) {
        try {
            this.transitionListener.onTransition(displayName(name), fromState, toState);
        }
        catch (RuntimeException | LinkageError ex) {
            instrumentationFailed("record a state transition of circuit breaker '" + displayName(name) + "'", ex);
        }
    }

    /**
     * Record a state transition of a circuit breaker on the current span; to be called on
     * the thread whose call caused it.
     * @param name the name of the circuit breaker
     * @param fromState the state it left
     * @param toState the state it entered
     */
    public void recordTransition(String name, CircuitBreakerState fromState, CircuitBreakerState toState) {
        recordTransition(name, fromState.getAttributeValue(), toState.getAttributeValue());
    }

    private Binding register(String name, Supplier<CircuitBreakerState> state) {
        Binding binding = new Binding(name, state);
        binding.gauge = Gauge.builder(STATE_METER_NAME, binding, Binding::value)
            .description(STATE_METER_DESCRIPTION)
            .tag(NAME_TAG, displayName(name))
            .strongReference(true)
            .register(this.registry);
        return binding;
    }

    private boolean remove(String name, @Nullable Supplier<CircuitBreakerState> expected) {
        boolean[] removed = new boolean[1];
        this.bindings.computeIfPresent(name, (key, binding) -> {
            if (expected != null && !expected.equals(binding.state)) {
                return binding;
            }
            removed[0] = true;
            try {
                Gauge gauge = binding.gauge;
                if (gauge != null) {
                    this.registry.remove(gauge);
                }
            }
            catch (RuntimeException ex) {
                instrumentationFailed("remove the state gauge of circuit breaker '" + displayName(name) + "'", ex);
            }
            return null;
        });
        return removed[0];
    }

    /**
     * The current state of every bound circuit breaker, read from its supplier now, by
     * name. A breaker whose supplier fails or returns {@code null} is left out.
     * @return the states, sorted by name
     */
    public Map<String, CircuitBreakerState> states() {
        Map<String, CircuitBreakerState> states = new TreeMap<>();
        this.bindings.forEach((name, binding) -> {
            CircuitBreakerState state = binding.state();
            if (state != null) {
                states.put(displayName(name), state);
            }
        });
        return states;
    }

    /**
     * The current state of at most {@code limit} bound circuit breakers: those not closed
     * first, then the closed ones, each group by name; for listings that must stay
     * readable when an application creates a breaker per caller-chosen name.
     * @param limit the most breakers to return
     * @return the states, in that order
     */
    public Map<String, CircuitBreakerState> states(int limit) {
        Map<String, CircuitBreakerState> all = states();
        Map<String, CircuitBreakerState> listed = new LinkedHashMap<>();
        all.forEach((name, state) -> {
            if (state != CircuitBreakerState.CLOSED && listed.size() < limit) {
                listed.put(name, state);
            }
        });
        all.forEach((name, state) -> {
            if (state == CircuitBreakerState.CLOSED && listed.size() < limit) {
                listed.put(name, state);
            }
        });
        return listed;
    }

    /**
     * The name of a circuit breaker as it is exported, logged and listed: the name itself
     * when {@link Secrets#safeName(String)} leaves it as it is, else the safe name
     * followed by {@code #} and a hash of the real name, so that two names that are
     * masked or cut alike (two keys, two long names with the same start) keep their own
     * gauge and state.
     * @param name the name of the circuit breaker
     * @return the name to show
     */
    public static String displayName(String name) {
        String safe = Secrets.safeName(name);
        return (safe == null || safe.equals(name)) ? name
                : safe + "#" + Integer.toHexString(name.hashCode() & 0x7fffffff);
    }

    private void instrumentationFailed(String action, Throwable ex) {
        if (!this.failureLogged) {
            this.failureLogged = true;
            logger.warn("Failed to " + action + "; the circuit breaker itself is unaffected"
                    + " (further failures are logged at DEBUG)", ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug("Failed to " + action, ex);
        }
    }

    /**
     * The gauge of one name and the supplier it currently reads.
     */
    private final class Binding {

        private final String name;

        private volatile Supplier<CircuitBreakerState> state;

        private @Nullable Gauge gauge;

        Binding(String name, Supplier<CircuitBreakerState> state) {
            this.name = name;
            this.state = state;
        }

        double value() {
            CircuitBreakerState current = state();
            return (current != null) ? current.getGaugeValue() : Double.NaN;
        }

        @Nullable CircuitBreakerState state() {
            try {
                return this.state.get();
            }
            catch (RuntimeException | LinkageError ex) {
                instrumentationFailed("read the state of circuit breaker '" + displayName(this.name) + "'", ex);
                return null;
            }
        }

    }

}
