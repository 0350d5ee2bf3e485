package io.inferlens.inference;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of model calls. The span attributes of the GenAI
 * conventions that are numbers, booleans or arrays (token counts, finish reasons, time to
 * first chunk) and the meters are taken from the {@link InferenceObservationContext}
 * itself, typed; a convention adds or changes the string key-values.
 *
 * @author Inferlens
 */
public interface InferenceObservationConvention extends ObservationConvention<InferenceObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof InferenceObservationContext;
    }

}
