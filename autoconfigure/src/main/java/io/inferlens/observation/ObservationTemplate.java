package io.inferlens.observation;

import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.docs.ObservationDocumentation;
import org.jspecify.annotations.Nullable;

/**
 * The one guarded flow behind every observation Inferlens makes ({@code @Traced},
 * {@code @TracedInference}, {@code @TracedRouting} and their recorders): create the
 * observation from its documentation with the user's convention over the default, start
 * it, open its scope around the call, record an error, and stop it when the call is
 * complete, that is when it returns, or when the
 * {@link java.util.concurrent.CompletionStage CompletionStage}, {@code Mono} or
 * {@code Flux} it returned terminates or is cancelled. What a concept adds (a decision,
 * token usage, a slow-call check) comes in through a {@link ResultListener}.
 * <p>
 * Every step is guarded so that instrumentation never breaks the call it observes: a
 * failure is logged through a {@link FailureLog}, once at WARN then at DEBUG, and the
 * call goes on, unobserved if the observation could not start. A scope that fails to open
 * or close puts back the scope that was current before, so that no stopped observation
 * stays current on a pooled thread. The call's own exception is recorded and rethrown
 * unchanged; a returned {@code CompletionStage} is returned as it is.
 *
 * @author Inferlens
 */
public final class ObservationTemplate {

    private final ObservationRegistry registry;

    private final FailureLog failures;

    /**
     * Create a template.
     * @param registry the observation registry
     * @param failures the log of instrumentation failures, whose message takes the failed
     * action, such as
     * {@code "Failed to %s the observation of a model call; the call itself is unaffected"}
     */
    public ObservationTemplate(ObservationRegistry registry, FailureLog failures) {
        this.registry = registry;
        this.failures = failures;
    }

    /**
     * The registry observations are made in.
     * @return the registry
     */
    public ObservationRegistry getRegistry() {
        return this.registry;
    }

    /**
     * Whether no observation can be made: the registry is a no-op.
     * @return whether observing is off
     */
    public boolean isNoop() {
        return this.registry.isNoop();
    }

    /**
     * Create and start an observation as its documentation describes, with the given
     * convention, or a global one, or the default, as Micrometer chooses. The contextual
     * name is set from that convention before the observation starts, so that the span is
     * started with its name and samplers see it.
     * @param <C> the type of context
     * @param documentation the documentation of the observation
     * @param customConvention the user's convention, or {@code null}
     * @param defaultConvention the default convention
     * @param context the context
     * @return the started observation, or {@code null} if it is a no-op (disabled by a
     * predicate, no handler) or failed to start
     */
    public <C extends Observation.Context> @Nullable Observation start(ObservationDocumentation documentation,
            @Nullable ObservationConvention<C> customConvention, ObservationConvention<C> defaultConvention,
            C context) {
        Observation observation;
        try {
            observation = documentation.observation(customConvention, defaultConvention, () -> context, this.registry);
            if (observation.isNoop()) {
                return null;
            }
            if (context.getContextualName() == null) {
                ObservationConvention<C> convention = (customConvention != null) ? customConvention : defaultConvention;
                String contextualName = convention.getContextualName(context);
                if (contextualName != null) {
                    observation.contextualName(contextualName);
                }
            }
        }
        catch (Throwable ex) {
            this.failures.log("create", ex);
            return null;
        }
        try {
            return observation.start();
        }
        catch (Throwable ex) {
            this.failures.log("start", ex);
            stop(observation);
            return null;
        }
    }

    /**
     * Observe a call whose result is a Reactor {@code Mono} or {@code Flux}, once per
     * subscription to it: the call itself only assembles the publisher, and an
     * observation is started by the given starter each time the publisher is subscribed
     * to (with the observation current on the subscribing thread as parent), and stopped
     * when that subscription terminates or is cancelled. A call that throws before it
     * returns a publisher is one observation, failed at once.
     * @param <C> the type of context
     * @param kind {@link ResultKind#MONO} or {@link ResultKind#FLUX}
     * @param starter starts an observation with a new context, or returns {@code null} to
     * leave a subscription unobserved
     * @param call the call
     * @param listener told of the values, elements and cancellation of each subscription
     * @return what the call returned, wrapped to be observed per subscription
     * @throws Throwable what the call threw, unchanged
     */
    public <C extends Observation.Context> @Nullable Object observeReactive(ResultKind kind,
            Supplier<@Nullable Started<C>> starter, ObservedCall<?, Throwable> call, ResultListener<C> listener)
            throws Throwable {
        Object result;
        try {
            result = call.call();
        }
        catch (Throwable ex) {
            Started<C> started = start(starter);
            if (started != null) {
                error(started.observation(), ex);
                complete(started.observation(), started.context(), listener);
            }
            throw ex;
        }
        if (result == null) {
            return null;
        }
        try {
            Object observed = ReactorResults.observe(kind, result, () -> start(starter), listener, this);
            return (observed != null) ? observed : result;
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("observe the result of", ex);
            return result;
        }
    }

    private <C extends Observation.Context> @Nullable Started<C> start(Supplier<@Nullable Started<C>> starter) {
        try {
            return starter.get();
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("start", ex);
            return null;
        }
    }

    /**
     * Observe a call with a started observation, or make it unobserved when there is
     * none.
     * @param <C> the type of context
     * @param <T> the type of result
     * @param <E> the type of exception the call may throw
     * @param observation the started observation, or {@code null}
     * @param context the observation's context
     * @param kind how the call's result completes
     * @param call the call
     * @param listener told of the result and of the stop
     * @return what the call returned, a {@code Mono} or {@code Flux} wrapped to be
     * observed until it terminates or is cancelled, anything else as it is
     * @throws E what the call threw, unchanged
     */
    public <C extends Observation.Context, T extends @Nullable Object, E extends Throwable> T observe(
            @Nullable Observation observation, C context, ResultKind kind, ObservedCall<T, E> call,
            ResultListener<C> listener) throws E {
        if (observation == null) {
            return call.call();
        }
        Observation.Scope enclosing = currentScope();
        Observation.Scope scope = openScope(observation, enclosing);
        if (kind == ResultKind.PLAIN) {
            try {
                T result = call.call();
                value(listener, context, result);
                return result;
            }
            catch (Throwable ex) {
                error(observation, ex);
                throw ex;
            }
            finally {
                // Stopped while its scope is still open: handlers that put the span in
                // scope on stop (such as Boot's exemplar-aware meter handler) then find
                // it
                // current and open no second scope.
                complete(observation, context, listener);
                closeScope(scope, enclosing);
            }
        }
        T result;
        try {
            result = call.call();
        }
        catch (Throwable ex) {
            error(observation, ex);
            complete(observation, context, listener);
            closeScope(scope, enclosing);
            throw ex;
        }
        closeScope(scope, enclosing);
        return observeResult(observation, context, kind, result, listener);
    }

    private <C extends Observation.Context, T extends @Nullable Object> T observeResult(Observation observation,
            C context, ResultKind kind, T result, ResultListener<C> listener) {
        try {
            if (kind == ResultKind.COMPLETION_STAGE && result instanceof CompletionStage<?> stage) {
                stage.whenComplete((value, error) -> {
                    if (error != null) {
                        error(observation, unwrap(error));
                    }
                    else {
                        value(listener, context, value);
                    }
                    complete(observation, context, listener);
                });
                return result;
            }
        }
        catch (Throwable ex) {
            this.failures.log("await the completion of", ex);
            complete(observation, context, listener);
            return result;
        }
        // null, or not a CompletionStage: complete now
        value(listener, context, result);
        complete(observation, context, listener);
        return result;
    }

    <C extends Observation.Context> void value(ResultListener<C> listener, C context, @Nullable Object value) {
        try {
            listener.onValue(context, value);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("observe the result of", ex);
        }
    }

    <C extends Observation.Context> void element(ResultListener<C> listener, C context, Object element) {
        try {
            listener.onElement(context, element);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("observe an element of", ex);
        }
    }

    <C extends Observation.Context> void cancel(ResultListener<C> listener, C context) {
        if (context instanceof InstrumentedContext instrumented) {
            instrumented.setCancelled(true);
        }
        try {
            listener.onCancel(context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("observe the cancellation of", ex);
        }
    }

    <C extends Observation.Context> void complete(Observation observation, C context, ResultListener<C> listener) {
        try {
            listener.beforeStop(observation, context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("complete", ex);
        }
        stop(observation);
    }

    /**
     * The scope current on this thread, to pass to {@link #openScope} and
     * {@link #closeScope}.
     * @return the current scope, or {@code null}
     */
    public Observation.@Nullable Scope currentScope() {
        return this.registry.getCurrentObservationScope();
    }

    /**
     * Open a scope for the observation.
     * @param observation the observation
     * @param enclosing the scope current before
     * @return the scope, or a no-op scope if it failed to open
     */
    public Observation.Scope openScope(Observation observation, Observation.@Nullable Scope enclosing) {
        try {
            return observation.openScope();
        }
        catch (Throwable ex) {
            this.failures.log("open a scope for", ex);
            restore(enclosing);
            return Observation.Scope.NOOP;
        }
    }

    /**
     * Close a scope.
     * @param scope the scope
     * @param enclosing the scope current before it was opened
     */
    public void closeScope(Observation.Scope scope, Observation.@Nullable Scope enclosing) {
        try {
            scope.close();
        }
        catch (Throwable ex) {
            this.failures.log("close the scope of", ex);
            restore(enclosing);
        }
    }

    /**
     * Record an error on the observation.
     * @param observation the observation
     * @param error the error
     */
    public void error(Observation observation, Throwable error) {
        try {
            observation.error(error);
        }
        catch (Throwable ex) {
            this.failures.log("record the error of", ex);
        }
    }

    /**
     * Stop the observation.
     * @param observation the observation
     */
    public void stop(Observation observation) {
        try {
            observation.stop();
        }
        catch (Throwable ex) {
            this.failures.log("stop", ex);
        }
    }

    /**
     * Log a failure of another step.
     * @param action what failed, such as {@code "start"}
     * @param ex the exception
     */
    public void failed(String action, Throwable ex) {
        this.failures.log(action, ex);
    }

    private void restore(Observation.@Nullable Scope enclosing) {
        try {
            this.registry.setCurrentObservationScope(enclosing);
        }
        catch (Throwable ex) {
            this.failures.log("restore the enclosing scope of", ex);
        }
    }

    /**
     * An observation that started, and its context.
     *
     * @param <C> the type of context
     * @param observation the observation
     * @param context its context
     */
    public record Started<C extends Observation.Context>(Observation observation, C context) {

    }

    /**
     * The exception a {@link CompletionStage} failed with, without the
     * {@link CompletionException} or {@link ExecutionException} wrapping it.
     * @param error the error the stage completed with
     * @return the cause
     */
    public static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

}
