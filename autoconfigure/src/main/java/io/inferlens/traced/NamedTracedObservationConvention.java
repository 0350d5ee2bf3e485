package io.inferlens.traced;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * A user's {@link ObservationConvention} for one {@code @Traced} method, named after the
 * method's operation when the convention gives no name of its own: Micrometer asks
 * observation predicates (Boot's {@code management.observations.enable.*} among them)
 * with the convention's name, which must therefore not be {@code null}.
 *
 * @author Inferlens
 */
final class NamedTracedObservationConvention implements TracedObservationConvention {

    private final ObservationConvention<TracedObservationContext> delegate;

    private final String name;

    NamedTracedObservationConvention(ObservationConvention<TracedObservationContext> delegate, String name) {
        this.delegate = delegate;
        String delegateName = delegate.getName();
        this.name = (delegateName != null && !delegateName.isBlank()) ? delegateName : name;
    }

    ObservationConvention<TracedObservationContext> getDelegate() {
        return this.delegate;
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public @Nullable String getContextualName(TracedObservationContext context) {
        return this.delegate.getContextualName(context);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(TracedObservationContext context) {
        return this.delegate.getLowCardinalityKeyValues(context);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(TracedObservationContext context) {
        return this.delegate.getHighCardinalityKeyValues(context);
    }

}
