package io.inferlens.routing;

import java.util.Arrays;

import io.inferlens.routing.RoutingObservationDocumentation.HighCardinalityKeyNames;
import io.inferlens.routing.RoutingObservationDocumentation.LowCardinalityKeyNames;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link RoutingObservationConvention}: the stage's span name as contextual name,
 * the keys of {@link RoutingObservationDocumentation} as key-values, the decision of a
 * routing call among them once recorded.
 *
 * @author Inferlens
 */
public class DefaultRoutingObservationConvention implements RoutingObservationConvention {

    private static final KeyValues SUCCESS = KeyValues.of(LowCardinalityKeyNames.STATUS.withValue("success"));

    private static final KeyValues FAILURE = KeyValues.of(LowCardinalityKeyNames.STATUS.withValue("failure"));

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
        return context.getStage().getSpanName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
        return switch (context.getStage()) {
            case REQUEST -> (context.getError() != null) ? FAILURE : SUCCESS;
            case FEATURE_ENGINEERING -> BATCH_SIZE_RANGES[BatchSizeRange.of(context.getBatchSize()).ordinal()];
            case MODEL_INFERENCE -> keyValue(LowCardinalityKeyNames.MODEL_TYPE, context.getModelType());
            case CIRCUIT_BREAKER_CHECK ->
                keyValue(LowCardinalityKeyNames.CIRCUIT_BREAKER, context.getCircuitBreakerName());
            case UNCERTAINTY_ESTIMATION -> KeyValues.empty();
        };
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RoutingObservationContext context) {
        return switch (context.getStage()) {
            case REQUEST -> decision(context.getDecision());
            case FEATURE_ENGINEERING ->
                KeyValues.of(HighCardinalityKeyNames.BATCH_SIZE.withValue(Integer.toString(context.getBatchSize())));
            default -> KeyValues.empty();
        };
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

    private static KeyValues keyValue(LowCardinalityKeyNames key, @Nullable String value) {
        return (value != null) ? KeyValues.of(key.withValue(value)) : KeyValues.empty();
    }

    private static KeyValues[] batchSizeRanges() {
        BatchSizeRange[] ranges = BatchSizeRange.values();
        KeyValues[] keyValues = new KeyValues[ranges.length];
        for (BatchSizeRange range : ranges) {
            keyValues[range.ordinal()] = KeyValues
                .of(LowCardinalityKeyNames.BATCH_SIZE_RANGE.withValue(range.getValue()));
        }
        return keyValues;
    }

}
