package io.inferlens.routing;

import java.util.Arrays;

import io.inferlens.observation.ErrorTypes;
import io.inferlens.routing.RoutingObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.routing.RoutingObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link RoutingObservationConvention}: the stage's name as contextual name, and
 * the keys of {@link RoutingObservationDocumentation}: {@code error.type} of a failed
 * call or stage; the {@code stage} of a stage, with its {@code batch_size_range} or
 * {@code model_type}; the decision of a routing call once recorded, the batch size of
 * feature engineering and the circuit breaker checked as span attributes.
 *
 * @author Inferlens
 */
public class DefaultRoutingObservationConvention implements RoutingObservationConvention {

    private static final KeyValues[] BATCH_SIZE_RANGES = batchSizeRanges();

    private final @Nullable String name;

    /**
     * Create a convention that keeps the observation name of each stage.
     */
    public DefaultRoutingObservationConvention() {
        this(null);
    }

    /**
     * Create a convention for the observations of the given name. Inferlens creates one
     * per {@link RoutingStage stage}, so that observation predicates, such as Boot's
     * {@code management.observations.enable.*}, see the stage's name.
     * @param name the observation name, or {@code null} to keep the stage's
     */
    public DefaultRoutingObservationConvention(@Nullable String name) {
        this.name = name;
    }

    @Override
    public @Nullable String getName() {
        return this.name;
    }

    @Override
    public String getContextualName(RoutingObservationContext context) {
        return context.getStage().getName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
        RoutingStage stage = context.getStage();
        KeyValues keyValues = stage.getStageKeyValue();
        if (stage == RoutingStage.FEATURE_ENGINEERING) {
            keyValues = BATCH_SIZE_RANGES[BatchSizeRange.of(context.getBatchSize()).ordinal()];
        }
        else if (stage == RoutingStage.MODEL_INFERENCE) {
            String modelType = context.getModelType();
            keyValues = keyValues
                .and(LowCardinalityKeyNames.MODEL_TYPE.withValue((modelType != null) ? modelType : "unknown"));
        }
        Throwable error = context.getError();
        return (error != null) ? keyValues.and(ErrorTypes.KEY, ErrorTypes.of(error)) : keyValues;
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RoutingObservationContext context) {
        RoutingStage stage = context.getStage();
        if (stage == RoutingStage.REQUEST) {
            return decision(context.getDecision());
        }
        if (stage == RoutingStage.FEATURE_ENGINEERING) {
            return KeyValues.of(HighCardinalityKeyNames.BATCH_SIZE.withValue(Integer.toString(context.getBatchSize())));
        }
        String circuitBreaker = context.getCircuitBreakerName();
        if (stage == RoutingStage.CIRCUIT_BREAKER_CHECK && circuitBreaker != null) {
            return KeyValues.of(HighCardinalityKeyNames.CIRCUIT_BREAKER.withValue(circuitBreaker));
        }
        return KeyValues.empty();
    }

    private static KeyValues decision(@Nullable RoutingDecision decision) {
        if (decision == null) {
            return KeyValues.empty();
        }
        String target = decision.target();
        KeyValue[] keyValues = new KeyValue[4];
        int count = 0;
        if (target != null) {
            keyValues[count++] = HighCardinalityKeyNames.TARGET.withValue(target);
        }
        if (!Double.isNaN(decision.confidence())) {
            keyValues[count++] = HighCardinalityKeyNames.CONFIDENCE.withValue(Double.toString(decision.confidence()));
        }
        if (!Double.isNaN(decision.uncertainty())) {
            keyValues[count++] = HighCardinalityKeyNames.UNCERTAINTY.withValue(Double.toString(decision.uncertainty()));
        }
        keyValues[count++] = HighCardinalityKeyNames.CANDIDATES.withValue(Integer.toString(decision.candidateCount()));
        return KeyValues.of(Arrays.copyOf(keyValues, count));
    }

    private static KeyValues[] batchSizeRanges() {
        BatchSizeRange[] ranges = BatchSizeRange.values();
        KeyValues[] keyValues = new KeyValues[ranges.length];
        for (BatchSizeRange range : ranges) {
            keyValues[range.ordinal()] = KeyValues.of(LowCardinalityKeyNames.STAGE.withValue("feature_engineering"),
                    LowCardinalityKeyNames.BATCH_SIZE_RANGE.withValue(range.getValue()));
        }
        return keyValues;
    }

}
