package io.inferlens.circuitbreaker;

/**
 * State of a circuit breaker as Inferlens reports it, whatever the implementation: the
 * value of the {@code inferlens.circuit_breaker.state} gauge says whether calls go
 * through ({@link #CLOSED}), are let through on trial ({@link #HALF_OPEN}) or are
 * rejected ({@link #OPEN}). Implementations with more states map them onto these three by
 * that question: a breaker forced open is {@link #OPEN}, a disabled one (which lets every
 * call through) is {@link #CLOSED}.
 *
 * @author Inferlens
 */
public enum CircuitBreakerState {

    /**
     * Calls go through; gauge value 0.
     */
    CLOSED(0, "closed"),

    /**
     * A limited number of trial calls go through; gauge value 1.
     */
    HALF_OPEN(1, "half_open"),

    /**
     * Calls are rejected; gauge value 2.
     */
    OPEN(2, "open");

    private final int gaugeValue;

    private final String attributeValue;

    CircuitBreakerState(int gaugeValue, String attributeValue) {
        this.gaugeValue = gaugeValue;
        this.attributeValue = attributeValue;
    }

    /**
     * Value of the state gauge for this state.
     * @return 0, 1 or 2
     */
    public int getGaugeValue() {
        return this.gaugeValue;
    }

    /**
     * Name of this state in span attributes: its constant's name in lower case.
     * @return {@code closed}, {@code half_open} or {@code open}
     */
    public String getAttributeValue() {
        return this.attributeValue;
    }

}
