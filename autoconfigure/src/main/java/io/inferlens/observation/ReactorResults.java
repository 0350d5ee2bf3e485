package io.inferlens.observation;

import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Observes Reactor results until they terminate or are cancelled: the value of a
 * {@link Mono} is the result, each element of a {@link Flux} a part of it. The
 * observation is put in the subscriber's context under Micrometer's key, so that with
 * Reactor's automatic context propagation (Boot's
 * {@code spring.reactor.context-propagation=auto}) the operators that run on subscription
 * see it as current. Loaded only when Reactor is on the class path.
 *
 * @author Inferlens
 */
final class ReactorResults {

    /**
     * Key of the current observation in a Reactor context, Micrometer's
     * {@code ObservationThreadLocalAccessor.KEY}.
     */
    static final String OBSERVATION_KEY = "micrometer.observation";

    private ReactorResults() {
    }

    static @Nullable ResultKind kind(Class<?> type) {
        if (Mono.class.isAssignableFrom(type)) {
            return ResultKind.MONO;
        }
        if (Flux.class.isAssignableFrom(type)) {
            return ResultKind.FLUX;
        }
        return null;
    }

    /**
     * The result wrapped to be observed, or {@code null} if it is not a {@code Mono} or
     * {@code Flux}.
     */
    static <C extends Observation.Context> @Nullable Object observe(Object result, Observation observation, C context,
            ResultListener<C> listener, ObservationTemplate template) {
        // Resubscribing to the same publisher must not stop the observation twice.
        AtomicBoolean done = new AtomicBoolean();
        if (result instanceof Mono<?> mono) {
            AtomicBoolean valued = new AtomicBoolean();
            return mono.doOnNext((value) -> {
                valued.set(true);
                template.value(listener, context, value);
            })
                .doOnError((error) -> template.error(observation, error))
                .doOnTerminate(() -> finish(false, valued.get(), observation, context, listener, template, done))
                .doOnCancel(() -> finish(true, true, observation, context, listener, template, done))
                .contextWrite((reactorContext) -> reactorContext.put(OBSERVATION_KEY, observation));
        }
        if (result instanceof Flux<?> flux) {
            return flux.doOnNext((element) -> template.element(listener, context, element))
                .doOnError((error) -> template.error(observation, error))
                .doOnTerminate(() -> finish(false, true, observation, context, listener, template, done))
                .doOnCancel(() -> finish(true, true, observation, context, listener, template, done))
                .contextWrite((reactorContext) -> reactorContext.put(OBSERVATION_KEY, observation));
        }
        return null;
    }

    /**
     * Stop the observation once, on termination (before the subscriber sees it, so that
     * whoever waits for the result finds the observation stopped) or on cancellation.
     */
    private static <C extends Observation.Context> void finish(boolean cancelled, boolean valued,
            Observation observation, C context, ResultListener<C> listener, ObservationTemplate template,
            AtomicBoolean done) {
        if (!done.compareAndSet(false, true)) {
            return;
        }
        if (cancelled) {
            template.cancel(listener, context);
        }
        else if (!valued && context.getError() == null) {
            // an empty Mono completed without a value
            template.value(listener, context, null);
        }
        template.complete(observation, context, listener);
    }

}
