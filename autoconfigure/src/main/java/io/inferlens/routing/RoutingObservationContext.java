package io.inferlens.routing;

import io.inferlens.observation.InstrumentedContext;
import org.jspecify.annotations.Nullable;

/**
 * Context of the observation of one {@link RoutingStage stage} of a routing call: the
 * routing call itself ({@code routing_request}) or one of its stages. Its contextual name
 * is the stage's name.
 *
 * @author Inferlens
 */
public class RoutingObservationContext extends InstrumentedContext {

    private final RoutingStage stage;

    private final @Nullable String modelType;

    private final int batchSize;

    private final @Nullable String circuitBreakerName;

    private volatile @Nullable RoutingDecision decision;

    private volatile boolean decisionRecorded;

    RoutingObservationContext(RoutingStage stage, @Nullable String modelType, int batchSize,
            @Nullable String circuitBreakerName) {
        this.stage = stage;
        this.modelType = modelType;
        this.batchSize = batchSize;
        this.circuitBreakerName = circuitBreakerName;
        setName(stage.getObservationName());
        setContextualName(stage.getName());
    }

    /**
     * Create the context of a routing call.
     * @return the context
     */
    public static RoutingObservationContext request() {
        return new RoutingObservationContext(RoutingStage.REQUEST, null, -1, null);
    }

    /**
     * Create the context of a feature engineering stage.
     * @param batchSize the number of items whose features are computed
     * @return the context
     */
    public static RoutingObservationContext featureEngineering(int batchSize) {
        return new RoutingObservationContext(RoutingStage.FEATURE_ENGINEERING, null, batchSize, null);
    }

    /**
     * Create the context of the scoring by one candidate model.
     * @param modelType the type of the model, such as {@code lightweight}
     * @return the context
     */
    public static RoutingObservationContext modelInference(String modelType) {
        return new RoutingObservationContext(RoutingStage.MODEL_INFERENCE, modelType, -1, null);
    }

    /**
     * Create the context of an uncertainty estimation stage.
     * @return the context
     */
    public static RoutingObservationContext uncertaintyEstimation() {
        return new RoutingObservationContext(RoutingStage.UNCERTAINTY_ESTIMATION, null, -1, null);
    }

    /**
     * Create the context of a circuit breaker check.
     * @param circuitBreakerName the name of the circuit breaker
     * @return the context
     */
    public static RoutingObservationContext circuitBreakerCheck(String circuitBreakerName) {
        return new RoutingObservationContext(RoutingStage.CIRCUIT_BREAKER_CHECK, null, -1, circuitBreakerName);
    }

    /**
     * Create the context of a stage with no data of its own, such as one of the
     * application's stages.
     * @param stage the stage
     * @return the context
     */
    public static RoutingObservationContext stage(RoutingStage stage) {
        return new RoutingObservationContext(stage, null, -1, null);
    }

    /**
     * Stage observed.
     * @return the stage
     */
    public RoutingStage getStage() {
        return this.stage;
    }

    /**
     * Type of the model of a {@link RoutingStage#MODEL_INFERENCE} stage.
     * @return the model type, or {@code null} for other stages
     */
    public @Nullable String getModelType() {
        return this.modelType;
    }

    /**
     * Batch size of a {@link RoutingStage#FEATURE_ENGINEERING} stage.
     * @return the batch size, or {@code -1} for other stages
     */
    public int getBatchSize() {
        return this.batchSize;
    }

    /**
     * Name of the circuit breaker of a {@link RoutingStage#CIRCUIT_BREAKER_CHECK} stage.
     * @return the circuit breaker's name, or {@code null} for other stages
     */
    public @Nullable String getCircuitBreakerName() {
        return this.circuitBreakerName;
    }

    /**
     * Decision of a {@link RoutingStage#REQUEST routing call}, once recorded: a validated
     * copy whose invalid confidence or uncertainty is {@code NaN}.
     * @return the decision, or {@code null}
     */
    public @Nullable RoutingDecision getDecision() {
        return this.decision;
    }

    /**
     * Whether the decision was recorded explicitly, through
     * {@link RoutingRecorder#recordDecision}, rather than taken from the result.
     */
    boolean isDecisionRecorded() {
        return this.decisionRecorded;
    }

    void setDecision(RoutingDecision decision, boolean recorded) {
        this.decision = decision;
        if (recorded) {
            this.decisionRecorded = true;
        }
    }

    @Override
    public String getOperationName() {
        return this.stage.getName();
    }

}
