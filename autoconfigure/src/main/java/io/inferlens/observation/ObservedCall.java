package io.inferlens.observation;

import org.jspecify.annotations.Nullable;

/**
 * A call observed by an {@link ObservationTemplate}: a method invocation, or a block of
 * code given to a recorder. It may throw a checked exception of a given type, which the
 * template rethrows unchanged; pass an existing supplier or callable as
 * {@code supplier::get} or {@code callable::call}.
 *
 * @param <T> the type of result
 * @param <E> the type of exception
 * @author Inferlens
 */
@FunctionalInterface
public interface ObservedCall<T extends @Nullable Object, E extends Throwable> {

    /**
     * Make the call.
     * @return the result
     * @throws E the exception of the call
     */
    T call() throws E;

}
