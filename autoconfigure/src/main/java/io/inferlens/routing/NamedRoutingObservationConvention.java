package io.inferlens.routing;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * A user's {@link ObservationConvention} for one {@link RoutingStage}, named after the
 * stage's observation when the convention gives no name of its own: Micrometer asks
 * observation predicates (Boot's {@code management.observations.enable.*} among them)
 * with the convention's name, which must therefore not be {@code null}.
 *
 * @author Inferlens
 */
final class NamedRoutingObservationConvention implements RoutingObservationConvention {

    private final ObservationConvention<RoutingObservationContext> delegate;

    private final String name;

    NamedRoutingObservationConvention(ObservationConvention<RoutingObservationContext> delegate, String name) {
        this.delegate = delegate;
        String delegateName = delegate.getName();
        this.name = (delegateName != null && !delegateName.isBlank()) ? delegateName : name;
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public @Nullable String getContextualName(RoutingObservationContext context) {
        return this.delegate.getContextualName(context);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(RoutingObservationContext context) {
        return this.delegate.getLowCardinalityKeyValues(context);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(RoutingObservationContext context) {
        return this.delegate.getHighCardinalityKeyValues(context);
    }

}
