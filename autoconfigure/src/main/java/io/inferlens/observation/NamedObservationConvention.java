package io.inferlens.observation;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * A user's {@link ObservationConvention} named after the operation it observes when it
 * gives no name of its own: Micrometer asks observation predicates (Boot's
 * {@code management.observations.enable.*} among them) with the convention's name, which
 * must therefore not be {@code null}. Everything else is the user's convention's.
 *
 * @param <C> the type of context
 * @author Inferlens
 */
public final class NamedObservationConvention<C extends Observation.Context> implements ObservationConvention<C> {

    private final ObservationConvention<C> delegate;

    private final String name;

    private NamedObservationConvention(ObservationConvention<C> delegate, String name) {
        this.delegate = delegate;
        this.name = name;
    }

    /**
     * The given convention, or one named after the operation when it gives no name.
     * @param <C> the type of context
     * @param convention the user's convention, or {@code null}
     * @param name the name of the operation
     * @return the convention to observe with, or {@code null} if none was given
     */
    public static <C extends Observation.Context> @Nullable ObservationConvention<C> of(
            @Nullable ObservationConvention<C> convention, String name) {
        if (convention == null) {
            return null;
        }
        String own = convention.getName();
        return (own != null && !own.isBlank()) ? convention : new NamedObservationConvention<>(convention, name);
    }

    /**
     * The user's convention.
     * @return the convention
     */
    public ObservationConvention<C> getDelegate() {
        return this.delegate;
    }

    @Override
    public String getName() {
        return this.name;
    }

    @Override
    public @Nullable String getContextualName(C context) {
        return this.delegate.getContextualName(context);
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(C context) {
        return this.delegate.getLowCardinalityKeyValues(context);
    }

    @Override
    public KeyValues getHighCardinalityKeyValues(C context) {
        return this.delegate.getHighCardinalityKeyValues(context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return this.delegate.supportsContext(context);
    }

}
