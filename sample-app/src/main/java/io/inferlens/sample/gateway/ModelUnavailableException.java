package io.inferlens.sample.gateway;

/**
 * A model's circuit breaker is open: its backend failed too often lately, and calls are
 * rejected without reaching it.
 *
 * @author Inferlens
 */
public class ModelUnavailableException extends RuntimeException {

    private final String model;

    public ModelUnavailableException(String model) {
        super("Model " + model + " is temporarily unavailable: its backend failed too often");
        this.model = model;
    }

    public String getModel() {
        return this.model;
    }

}
