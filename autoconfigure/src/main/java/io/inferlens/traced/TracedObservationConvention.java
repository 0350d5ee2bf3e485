package io.inferlens.traced;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for {@link io.inferlens.annotation.Traced @Traced}
 * methods. A convention that returns no name keeps the operation name of the annotation.
 *
 * @author Inferlens
 */
public interface TracedObservationConvention extends ObservationConvention<TracedObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof TracedObservationContext;
    }

}
