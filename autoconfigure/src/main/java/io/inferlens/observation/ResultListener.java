package io.inferlens.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * What a concept adds to the one guarded flow of {@link ObservationTemplate}: it is told
 * the result of the call (the returned value, the value a {@code CompletionStage} or
 * {@code Mono} completed with, each element of a {@code Flux}) and is called last before
 * the observation stops, so that what it sets reaches the span and the meters. Shared by
 * every call of an operation: per-call state belongs in the context. The template guards
 * each call: a listener that throws is logged once and the observed call is unaffected.
 *
 * @param <C> the type of context
 * @author Inferlens
 */
public interface ResultListener<C extends Observation.Context> {

    /**
     * A listener that does nothing.
     * @param <C> the type of context
     * @return the listener
     */
    @SuppressWarnings("unchecked")
    static <C extends Observation.Context> ResultListener<C> none() {
        return (ResultListener<C>) NoResultListener.INSTANCE;
    }

    /**
     * The call succeeded with this value: what a plain call returned, or the value of a
     * completed {@code CompletionStage} or {@code Mono} ({@code null} for an empty one).
     * @param context the observation's context
     * @param value the value
     */
    default void onValue(C context, @Nullable Object value) {
    }

    /**
     * A {@code Flux} emitted this element.
     * @param context the observation's context
     * @param element the element
     */
    default void onElement(C context, Object element) {
    }

    /**
     * A {@code Mono} or {@code Flux} was cancelled by its subscriber before it
     * terminated.
     * @param context the observation's context
     */
    default void onCancel(C context) {
    }

    /**
     * The observation is about to stop, after success, failure or cancellation; for a
     * plain call, its scope is still open.
     * @param observation the observation
     * @param context its context
     */
    default void beforeStop(Observation observation, C context) {
    }

    /**
     * The listener that does nothing.
     */
    final class NoResultListener implements ResultListener<Observation.Context> {

        private static final NoResultListener INSTANCE = new NoResultListener();

        private NoResultListener() {
        }

    }

}
