package io.inferlens.observation;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;

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
        return Mono.deferContextual((reactorContext) -> {
            ObservationTemplate.Started<C> started = start(reactorContext, starter, template);
            return (started != null) ? Mono.fromDirect(
                    subscribedInScope(observe(mono, started.observation(), started.context(), listener, template),
                            started.observation(), template))
                    : mono;
        });
    }

    private static <T, C extends Observation.Context> Flux<T> deferred(Flux<T> flux,
            Supplier<ObservationTemplate.@Nullable Started<C>> starter, ResultListener<C> listener,
            ObservationTemplate template) {
        return Flux.deferContextual((reactorContext) -> {
            ObservationTemplate.Started<C> started = start(reactorContext, starter, template);
            return (started != null) ? Flux
                .from(subscribedInScope(observe(flux, started.observation(), started.context(), listener, template),
                        started.observation(), template))
                    : flux;
        });
    }

    /**
     * Start the observation of a subscription, its parent the observation in the
     * subscriber's context (a WebFlux request's, an enclosing observed publisher's) when
     * there is one, else the one current on the subscribing thread.
     */
    private static <C extends Observation.Context> ObservationTemplate.@Nullable Started<C> start(
            ContextView reactorContext, Supplier<ObservationTemplate.@Nullable Started<C>> starter,
            ObservationTemplate template) {
        Object parent = reactorContext.getOrDefault(OBSERVATION_KEY, null);
        if (!(parent instanceof Observation observation)
                || observation == template.getRegistry().getCurrentObservation()) {
            return starter.get();
        }
        Observation.Scope enclosing = template.currentScope();
        Observation.Scope scope = template.openScope(observation, enclosing);
        try {
            return starter.get();
        }
        finally {
            template.closeScope(scope, enclosing);
        }
    }

    /**
     * The publisher, subscribed to with the observation current on the subscribing
     * thread: what runs on subscription (the supplier of a {@code defer}, a call made
     * when subscribed) sees it as its parent, whether or not Reactor's automatic context
     * propagation is on.
     */
    private static <T> Publisher<T> subscribedInScope(Publisher<T> source, Observation observation,
            ObservationTemplate template) {
        return (subscriber) -> {
            Observation.Scope enclosing = template.currentScope();
            Observation.Scope scope = template.openScope(observation, enclosing);
            try {
                source.subscribe(subscriber);
            }
            finally {
                template.closeScope(scope, enclosing);
            }
        };
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
