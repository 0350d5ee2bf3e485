package io.inferlens.traced;

import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;

/**
 * Default {@link TracedObservationConvention}: the operation name of the annotation, its
 * static attributes and, for a failed call, its {@code error.type} as low-cardinality
 * key-values. The key-values of a successful call are built once per method.
 *
 * @author Inferlens
 */
public class DefaultTracedObservationConvention implements TracedObservationConvention {

    private final @Nullable String name;

    /**
     * Create a convention that keeps the operation name of each method.
     */
    public DefaultTracedObservationConvention() {
        this(null);
    }

    /**
     * Create a convention for the operation of the given name. Inferlens creates one per
     * method, so that observation predicates, such as Boot's
     * {@code management.observations.enable.*}, see the operation name.
     * @param name the operation name, or {@code null} to keep the name of each method
     */
    public DefaultTracedObservationConvention(@Nullable String name) {
        this.name = name;
    }

    /**
     * Returns the name given at construction; when {@code null}, the observation keeps
     * its method's operation name.
     */
    @Override
    public @Nullable String getName() {
        return this.name;
    }

    @Override
    public String getContextualName(TracedObservationContext context) {
        return context.getMethod().getName();
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(TracedObservationContext context) {
        return context.getMethod().getLowCardinalityKeyValues(context.getError());
    }

    /**
     * Returns no key-values: the one high-cardinality attribute of a {@code @Traced}
     * span, {@code code.function.name}, is static per method and set by
     * {@link TracedTracingObservationHandler} on recorded spans only, which spares every
     * call two map insertions and a merge.
     */
    @Override
    public KeyValues getHighCardinalityKeyValues(TracedObservationContext context) {
        return KeyValues.empty();
    }

}
