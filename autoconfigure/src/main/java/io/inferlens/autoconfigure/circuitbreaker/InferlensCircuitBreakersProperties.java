package io.inferlens.autoconfigure.circuitbreaker;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties for Inferlens' observability of circuit breakers.
 *
 * @author Inferlens
 */
@ConfigurationProperties("inferlens.circuit-breakers")
public class InferlensCircuitBreakersProperties {

    /**
     * Whether circuit breakers are observed: a gauge of the state of each one, and a span
     * event for each state transition.
     */
    private boolean enabled = true;

    public boolean isEnabled() {
        return this.enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

}
