package io.inferlens.routing;

import java.util.List;
import java.util.concurrent.CompletionStage;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.GuardedObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Records routing calls and their stages as observations: {@link #route} (or a
 * {@link io.inferlens.annotation.TracedRouting @TracedRouting} method) is the
 * {@code routing_request} span, and the stages called while it runs are its children:
 * {@link #featureEngineering}, {@link #modelInference}, {@link #uncertaintyEstimation}
 * and {@link #circuitBreakerCheck}. A stage run on another thread is a child too when the
 * current observation is propagated to that thread, for instance by an executor wrapped
 * with {@code io.micrometer.context.ContextExecutorService}.
 * <p>
 * Each method runs the given call and returns its result or throws its exception,
 * unchanged; the exception is recorded on the observation first. Instrumentation never
 * breaks the call: should it fail, the failure is logged once at WARN (then at DEBUG).
 * With a no-op registry, the call is simply made.
 *
 * @author Inferlens
 */
public class RoutingRecorder {

    /**
     * Target recorded for a decision that names none.
     */
    public static final String UNKNOWN_TARGET = "unknown";

    private static final Log logger = LogFactory.getLog(RoutingRecorder.class);

    private final ObservationRegistry registry;

    private final @Nullable RoutingObservationConvention[] customConventions;

    private final RoutingObservationConvention[] defaultConventions;

    private final RoutingDecisionExtractor[] extractors;

    private final GuardedObservations guarded;

    private final FailureLog extractorFailures = new FailureLog(logger,
            "Failed to extract the decision of a routing call (%s); the routing call is unaffected");

    private final FailureLog invalidDecisions = new FailureLog(logger,
            "Invalid routing decision %s: confidence and uncertainty must be in [0, 1], the target not empty and"
                    + " the candidate count not negative; invalid values are not recorded");

    /**
     * Create a recorder with the default convention and no extractors.
     * @param registry the observation registry
     */
    public RoutingRecorder(ObservationRegistry registry) {
        this(registry, null, List.of());
    }

    /**
     * Create a recorder.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     * @param extractors the extractors of decisions from results whose type does not
     * implement {@link RoutingDecision}, asked in order
     */
    public RoutingRecorder(ObservationRegistry registry, @Nullable RoutingObservationConvention convention,
            List<? extends RoutingDecisionExtractor> extractors) {
        this.registry = registry;
        this.guarded = new GuardedObservations(registry, new FailureLog(logger,
                "Failed to %s the observation of a routing call; the call itself is unaffected"));
        RoutingStage[] stages = RoutingStage.values();
        this.customConventions = new RoutingObservationConvention[stages.length];
        this.defaultConventions = new RoutingObservationConvention[stages.length];
        for (RoutingStage stage : stages) {
            this.defaultConventions[stage.ordinal()] = new DefaultRoutingObservationConvention(
                    stage.getObservationName());
            if (convention != null) {
                this.customConventions[stage.ordinal()] = new NamedRoutingObservationConvention(convention,
                        stage.getObservationName());
            }
        }
        this.extractors = extractors.toArray(new RoutingDecisionExtractor[0]);
    }

    /**
     * Observe a routing call: the {@code routing_request} span, the decision taken from
     * the result unless one was recorded with {@link #recordDecision}.
     * @param <T> the type of result
     * @param <E> the type of exception the call may throw
     * @param routing the routing call
     * @return the result of the call
     * @throws E the exception of the call, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T route(Call<T, E> routing) throws E {
        if (this.registry.isNoop()) {
            return routing.call();
        }
        return observe(RoutingObservationContext.request(), routing);
    }

    /**
     * Observe a routing call that completes asynchronously: the {@code routing_request}
     * observation stops when the returned stage completes, whose value provides the
     * decision.
     * @param <S> the type of result
     * @param <E> the type of exception the call may throw
     * @param routing the routing call
     * @return the result of the call, as it is
     * @throws E the exception of the call, unchanged
     */
    public <S extends @Nullable CompletionStage<?>, E extends Throwable> S routeAsync(Call<S, E> routing) throws E {
        if (this.registry.isNoop()) {
            return routing.call();
        }
        return observeAsync(RoutingObservationContext.request(), routing);
    }

    /**
     * Observe the feature engineering stage.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param batchSize the number of items whose features are computed
     * @param stage the stage
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T featureEngineering(int batchSize, Call<T, E> stage)
            throws E {
        if (this.registry.isNoop()) {
            return stage.call();
        }
        return observe(RoutingObservationContext.featureEngineering(batchSize), stage);
    }

    /**
     * Observe the scoring by one candidate model.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param modelType the type of the model, such as {@code lightweight}: the
     * {@code model_type} tag, so keep the values few
     * @param stage the stage
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T modelInference(String modelType, Call<T, E> stage)
            throws E {
        if (this.registry.isNoop()) {
            return stage.call();
        }
        return observe(RoutingObservationContext.modelInference(modelType), stage);
    }

    /**
     * Observe the uncertainty estimation stage.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param stage the stage
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T uncertaintyEstimation(Call<T, E> stage) throws E {
        if (this.registry.isNoop()) {
            return stage.call();
        }
        return observe(RoutingObservationContext.uncertaintyEstimation(), stage);
    }

    /**
     * Observe a circuit breaker check.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param circuitBreakerName the name of the circuit breaker
     * @param stage the check
     * @return the result of the check
     * @throws E the exception of the check, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T circuitBreakerCheck(String circuitBreakerName,
            Call<T, E> stage) throws E {
        if (this.registry.isNoop()) {
            return stage.call();
        }
        return observe(RoutingObservationContext.circuitBreakerCheck(circuitBreakerName), stage);
    }

    /**
     * Record the decision of the routing call in progress: the current observation's, or
     * its nearest ancestor's, when that is a routing call. It takes precedence over a
     * decision found in the call's result. Does nothing outside a routing call.
     * @param decision the decision
     */
    public void recordDecision(RoutingDecision decision) {
        if (this.registry.isNoop()) {
            return;
        }
        try {
            RoutingObservationContext request = currentRequest();
            if (request == null) {
                if (logger.isDebugEnabled()) {
                    logger.debug("No routing call in progress; decision " + decision + " is not recorded");
                }
                return;
            }
            RoutingDecision validated = validate(decision);
            if (validated != null) {
                request.setDecision(validated, true);
            }
        }
        catch (RuntimeException ex) {
            this.guarded.failed("record the decision in", ex);
        }
    }

    /**
     * Observe a routing call made by an interceptor.
     * @param invocation the call
     * @param async whether the method returns a {@link CompletionStage}
     * @return what the call returned
     * @throws Throwable what the call threw, unchanged
     */
    public @Nullable Object routeInvocation(Call<?, Throwable> invocation, boolean async) throws Throwable {
        if (this.registry.isNoop()) {
            return invocation.call();
        }
        RoutingObservationContext context = RoutingObservationContext.request();
        return async ? observeAsync(context, invocation) : observe(context, invocation);
    }

    private <T extends @Nullable Object, E extends Throwable> T observe(RoutingObservationContext context,
            Call<T, E> call) throws E {
        Observation observation = start(context);
        if (observation == null) {
            return call.call();
        }
        Observation.Scope enclosing = this.guarded.currentScope();
        Observation.Scope scope = this.guarded.openScope(observation, enclosing);
        try {
            T result = call.call();
            if (context.getStage() == RoutingStage.REQUEST) {
                decideFromResult(context, result);
            }
            return result;
        }
        catch (Throwable ex) {
            this.guarded.error(observation, ex);
            throw ex;
        }
        finally {
            // Stopped while its scope is still open, as TracedObserver does, so that
            // handlers acting on stop find its span current.
            this.guarded.stop(observation);
            this.guarded.closeScope(scope, enclosing);
        }
    }

    private <T extends @Nullable Object, E extends Throwable> T observeAsync(RoutingObservationContext context,
            Call<T, E> call) throws E {
        Observation observation = start(context);
        if (observation == null) {
            return call.call();
        }
        Observation.Scope enclosing = this.guarded.currentScope();
        Observation.Scope scope = this.guarded.openScope(observation, enclosing);
        T result;
        try {
            result = call.call();
        }
        catch (Throwable ex) {
            this.guarded.error(observation, ex);
            this.guarded.stop(observation);
            this.guarded.closeScope(scope, enclosing);
            throw ex;
        }
        this.guarded.closeScope(scope, enclosing);
        if (!(result instanceof CompletionStage<?> stage)) {
            this.guarded.stop(observation);
            return result;
        }
        try {
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    this.guarded.error(observation, GuardedObservations.unwrap(error));
                }
                else {
                    decideFromResult(context, value);
                }
                this.guarded.stop(observation);
            });
        }
        catch (Throwable ex) {
            this.guarded.failed("await the completion of", ex);
            this.guarded.stop(observation);
        }
        return result;
    }

    private @Nullable Observation start(RoutingObservationContext context) {
        Observation observation;
        try {
            int stage = context.getStage().ordinal();
            observation = Observation.createNotStarted(this.customConventions[stage], this.defaultConventions[stage],
                    () -> context, this.registry);
        }
        catch (Throwable ex) {
            this.guarded.failed("create", ex);
            return null;
        }
        if (observation.isNoop()) {
            return null;
        }
        try {
            return observation.start();
        }
        catch (Throwable ex) {
            this.guarded.failed("start", ex);
            this.guarded.stop(observation);
            return null;
        }
    }

    private @Nullable RoutingObservationContext currentRequest() {
        ObservationView view = this.registry.getCurrentObservation();
        while (view != null) {
            Observation.ContextView context = view.getContextView();
            if (context instanceof RoutingObservationContext routing && routing.getStage() == RoutingStage.REQUEST) {
                return routing;
            }
            view = context.getParentObservation();
        }
        return null;
    }

    private void decideFromResult(RoutingObservationContext context, @Nullable Object result) {
        if (result == null || context.isDecisionRecorded()) {
            return;
        }
        RoutingDecision decision = extract(result);
        if (decision != null) {
            RoutingDecision validated = validate(decision);
            if (validated != null && !context.isDecisionRecorded()) {
                context.setDecision(validated, false);
            }
        }
    }

    private @Nullable RoutingDecision extract(Object result) {
        if (result instanceof RoutingDecision decision) {
            return decision;
        }
        for (RoutingDecisionExtractor extractor : this.extractors) {
            try {
                RoutingDecision decision = extractor.extract(result);
                if (decision != null) {
                    return decision;
                }
            }
            catch (RuntimeException ex) {
                this.extractorFailures.log(extractor.getClass().getName() + " threw, it is skipped", ex);
            }
        }
        return null;
    }

    /**
     * A copy of the decision, read once, whose invalid values are replaced: a blank
     * target by {@link #UNKNOWN_TARGET}, a confidence or uncertainty outside
     * {@code [0, 1]} by {@code NaN}, a negative candidate count by 0.
     */
    private @Nullable RoutingDecision validate(RoutingDecision decision) {
        String target;
        double confidence;
        double uncertainty;
        int candidates;
        try {
            target = decision.target();
            confidence = decision.confidence();
            uncertainty = decision.uncertainty();
            candidates = decision.candidateCount();
        }
        catch (RuntimeException ex) {
            this.extractorFailures.log(decision.getClass().getName() + " threw when read", ex);
            return null;
        }
        boolean validTarget = target != null && !target.isBlank();
        boolean validConfidence = isProbability(confidence);
        boolean validUncertainty = isProbability(uncertainty);
        boolean validCandidates = candidates >= 0;
        if (!(validTarget && validConfidence && validUncertainty && validCandidates)) {
            this.invalidDecisions.log("[target=" + target + ", confidence=" + confidence + ", uncertainty="
                    + uncertainty + ", candidateCount=" + candidates + "]", null);
        }
        SimpleRoutingDecision validated = new SimpleRoutingDecision(validTarget ? target : UNKNOWN_TARGET,
                validConfidence ? confidence : Double.NaN, validUncertainty ? uncertainty : Double.NaN,
                validCandidates ? candidates : 0);
        return validated;
    }

    private static boolean isProbability(double value) {
        return value >= 0.0 && value <= 1.0;
    }

    /**
     * A routing call or one of its stages: a {@link java.util.function.Supplier} or a
     * {@link java.util.concurrent.Callable} that may throw a checked exception of a given
     * type, which the recorder's methods rethrow. Pass an existing supplier or callable
     * as {@code supplier::get} or {@code callable::call}.
     *
     * @param <T> the type of result
     * @param <E> the type of exception
     */
    @FunctionalInterface
    public interface Call<T extends @Nullable Object, E extends Throwable> {

        /**
         * Make the call.
         * @return the result
         * @throws E the exception of the call
         */
        T call() throws E;

    }

}
