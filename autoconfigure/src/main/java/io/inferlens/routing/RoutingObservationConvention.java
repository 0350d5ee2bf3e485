package io.inferlens.routing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} for routing calls and their stages. A convention that
 * returns no name keeps the stage's observation name.
 *
 * @author Inferlens
 */
public interface RoutingObservationConvention extends ObservationConvention<RoutingObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof RoutingObservationContext;
    }

}
