package io.inferlens.observation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

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
        if (type == Mono.class) {
            return ResultKind.MONO;
        }
        if (type == Flux.class) {
            return ResultKind.FLUX;
        }
        return null;
    }

    /**
     * The result wrapped so that each subscription to it is observed, or {@code null} if
     * it is not a {@code Mono} or {@code Flux}.
     */
    static <C extends Observation.Context> @Nullable Object observe(ResultKind kind, Object result,
            Supplier<ObservationTemplate.@Nullable Started<C>> starter, ResultListener<C> listener,
            ObservationTemplate template) {
        if (kind == ResultKind.MONO && result instanceof Mono<?> mono) {
            return deferred(mono, starter, listener, template);
        }
        if (kind == ResultKind.FLUX && result instanceof Flux<?> flux) {
            return deferred(flux, starter, listener, template);
        }
        return null;
    }

    private static <T, C extends Observation.Context> Mono<T> deferred(Mono<T> mono,
            Supplier<ObservationTemplate.@Nullable Started<C>> starter, ResultListener<C> listener,
            ObservationTemplate template) {
        return Mono.defer(() -> {
            ObservationTemplate.Started<C> started = starter.get();
            return (started != null) ? observe(mono, started.observation(), started.context(), listener, template)
                    : mono;
        });
    }

    private static <T, C extends Observation.Context> Flux<T> deferred(Flux<T> flux,
            Supplier<ObservationTemplate.@Nullable Started<C>> starter, ResultListener<C> listener,
            ObservationTemplate template) {
        return Flux.defer(() -> {
            ObservationTemplate.Started<C> started = starter.get();
            return (started != null) ? observe(flux, started.observation(), started.context(), listener, template)
                    : flux;
        });
    }

    private static <T, C extends Observation.Context> Mono<T> observe(Mono<T> mono, Observation observation, C context,
            ResultListener<C> listener, ObservationTemplate template) {
        Subscription<C> subscription = new Subscription<>(observation, context, listener, template, true);
        return mono.doOnNext(subscription::value)
            .doOnError(subscription::error)
            .doOnTerminate(subscription::terminated)
            .doOnCancel(subscription::cancelled)
            .contextWrite((reactorContext) -> reactorContext.put(OBSERVATION_KEY, observation));
    }

    private static <T, C extends Observation.Context> Flux<T> observe(Flux<T> flux, Observation observation, C context,
            ResultListener<C> listener, ObservationTemplate template) {
        Subscription<C> subscription = new Subscription<>(observation, context, listener, template, false);
        return flux.doOnNext(subscription::element)
            .doOnError(subscription::error)
            .doOnTerminate(subscription::terminated)
            .doOnCancel(subscription::cancelled)
            .contextWrite((reactorContext) -> reactorContext.put(OBSERVATION_KEY, observation));
    }

    /**
     * The observation of one subscription, stopped once: on termination (before the
     * subscriber sees it, so that whoever waits for the result finds the observation
     * stopped) or on cancellation.
     */
    private static final class Subscription<C extends Observation.Context> {

        private final Observation observation;

        private final C context;

        private final ResultListener<C> listener;

        private final ObservationTemplate template;

        private final boolean mono;

        private final AtomicBoolean done = new AtomicBoolean();

        private volatile boolean valued;

        Subscription(Observation observation, C context, ResultListener<C> listener, ObservationTemplate template,
                boolean mono) {
            this.observation = observation;
            this.context = context;
            this.listener = listener;
            this.template = template;
            this.mono = mono;
        }

        void value(Object value) {
            this.valued = true;
            this.template.value(this.listener, this.context, value);
        }

        void element(Object element) {
            this.template.element(this.listener, this.context, element);
        }

        void error(Throwable error) {
            this.template.error(this.observation, error);
        }

        void terminated() {
            if (this.done.compareAndSet(false, true)) {
                if (this.mono && !this.valued && this.context.getError() == null) {
                    // an empty Mono completed: its value is null
                    this.template.value(this.listener, this.context, null);
                }
                this.template.complete(this.observation, this.context, this.listener);
            }
        }

        void cancelled() {
            if (this.done.compareAndSet(false, true)) {
                this.template.cancel(this.listener, this.context);
                this.template.complete(this.observation, this.context, this.listener);
            }
        }

    }

}
