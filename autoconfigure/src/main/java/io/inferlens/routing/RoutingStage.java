package io.inferlens.routing;

/**
 * The stages of a routing call that Inferlens observes, each with its observation name
 * (the prefix of Boot's {@code management.observations.enable.*} keys) and its span name.
 *
 * @author Inferlens
 */
public enum RoutingStage {

    /**
     * The routing call itself, parent of the other stages.
     */
    REQUEST("inferlens.routing.request", "routing_request"),

    /**
     * Computing the features the candidates are scored on.
     */
    FEATURE_ENGINEERING("inferlens.routing.feature_engineering", "feature_engineering"),

    /**
     * Scoring the request with one candidate model.
     */
    MODEL_INFERENCE("inferlens.routing.model_inference", "model_inference"),

    /**
     * Estimating the uncertainty of the scores.
     */
    UNCERTAINTY_ESTIMATION("inferlens.routing.uncertainty_estimation", "uncertainty_estimation"),

    /**
     * Asking a circuit breaker whether a target may be called.
     */
    CIRCUIT_BREAKER_CHECK("inferlens.routing.circuit_breaker_check", "circuit_breaker_check");

    private final String observationName;

    private final String spanName;

    RoutingStage(String observationName, String spanName) {
        this.observationName = observationName;
        this.spanName = spanName;
    }

    /**
     * Name of the observations of this stage.
     * @return the observation name
     */
    public String getObservationName() {
        return this.observationName;
    }

    /**
     * Name of the spans of this stage, their observations' contextual name. Also the
     * {@code operation} tag of {@code inferlens.errors} when the stage fails.
     * @return the span name
     */
    public String getSpanName() {
        return this.spanName;
    }

}
