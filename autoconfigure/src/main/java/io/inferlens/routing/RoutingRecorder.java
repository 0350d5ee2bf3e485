package io.inferlens.routing;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.NamedObservationConvention;
import io.inferlens.observation.ObservationTemplate;
import io.inferlens.observation.ObservedCall;
import io.inferlens.observation.ResultKind;
import io.inferlens.observation.ResultListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Records routing calls and their stages as observations, through the
 * {@link ObservationTemplate}: {@link #route} (or a
 * {@link io.inferlens.annotation.TracedRouting @TracedRouting} method) is the
 * {@code routing_request} span, and the stages called while it runs are its children: the
 * built-in {@link #featureEngineering}, {@link #modelInference},
 * {@link #uncertaintyEstimation} and {@link #circuitBreakerCheck}, and any stage of the
 * application's own, added with one line: {@code recorder.stage("reranking", () -> ...)}.
 * A stage run on another thread is a child too when the current observation is propagated
 * to that thread, for instance by an executor wrapped with
 * {@code io.micrometer.context.ContextExecutorService}.
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

    private final ObservationTemplate template;

    private final @Nullable ObservationConvention<RoutingObservationContext> convention;

    private final Map<RoutingStage, ObservationConvention<RoutingObservationContext>> customConventions = new ConcurrentHashMap<>();

    private final RoutingDecisionExtractor[] extractors;

    private final ResultListener<RoutingObservationContext> decisions = new Decisions();

    private final FailureLog extractorFailures = new FailureLog(logger,
            "Failed to extract the decision of a routing call (%s); the routing call is unaffected");

    private final FailureLog invalidDecisions = new FailureLog(logger,
            "Invalid routing decision %s: confidence and uncertainty must be in [0, 1], the target not empty and"
                    + " the candidate count not negative; invalid values are not recorded");

    private final FailureLog invalidStages = new FailureLog(logger, "%s; the stage runs unobserved");

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
    public RoutingRecorder(ObservationRegistry registry,
            @Nullable ObservationConvention<RoutingObservationContext> convention,
            List<? extends RoutingDecisionExtractor> extractors) {
        this.template = new ObservationTemplate(registry, new FailureLog(logger,
                "Failed to %s the observation of a routing call; the call itself is unaffected"));
        this.convention = convention;
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
    public <T extends @Nullable Object, E extends Throwable> T route(ObservedCall<T, E> routing) throws E {
        return observe(RoutingObservationContext.request(), ResultKind.PLAIN, routing);
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
    public <S extends @Nullable CompletionStage<?>, E extends Throwable> S routeAsync(ObservedCall<S, E> routing)
            throws E {
        return observe(RoutingObservationContext.request(), ResultKind.COMPLETION_STAGE, routing);
    }

    /**
     * Observe a routing call made by an interceptor, until its result completes.
     * @param kind how the result completes
     * @param invocation the call
     * @return what the call returned, a {@code Mono} or {@code Flux} wrapped to be
     * observed until it terminates
     * @throws Throwable what the call threw, unchanged
     */
    public @Nullable Object route(ResultKind kind, ObservedCall<?, Throwable> invocation) throws Throwable {
        if (kind.isReactive() && !this.template.isNoop()) {
            return this.template.observeReactive(kind, () -> {
                RoutingObservationContext context = RoutingObservationContext.request();
                Observation observation = start(context);
                return (observation != null) ? new ObservationTemplate.Started<>(observation, context) : null;
            }, invocation, this.decisions);
        }
        return observe(RoutingObservationContext.request(), kind, invocation);
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
    public <T extends @Nullable Object, E extends Throwable> T featureEngineering(int batchSize,
            ObservedCall<T, E> stage) throws E {
        return observe(RoutingObservationContext.featureEngineering(batchSize), ResultKind.PLAIN, stage);
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
    public <T extends @Nullable Object, E extends Throwable> T modelInference(String modelType,
            ObservedCall<T, E> stage) throws E {
        return observe(RoutingObservationContext.modelInference(modelType), ResultKind.PLAIN, stage);
    }

    /**
     * Observe the uncertainty estimation stage.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param stage the stage
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T uncertaintyEstimation(ObservedCall<T, E> stage)
            throws E {
        return observe(RoutingObservationContext.uncertaintyEstimation(), ResultKind.PLAIN, stage);
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
            ObservedCall<T, E> stage) throws E {
        return observe(RoutingObservationContext.circuitBreakerCheck(circuitBreakerName), ResultKind.PLAIN, stage);
    }

    /**
     * Observe a stage of the application's own, such as {@code reranking}: a span of the
     * stage's name, child of the routing call, timed in
     * {@code inferlens.routing.stage.duration} by {@code stage}. An invalid name, or one
     * stage name too many (see {@link RoutingStage#of}), is logged once and the stage
     * runs unobserved.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param name the stage's name, fixed like a span name
     * @param stage the stage
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T stage(String name, ObservedCall<T, E> stage) throws E {
        RoutingStage routingStage;
        try {
            routingStage = RoutingStage.of(name);
        }
        catch (IllegalArgumentException ex) {
            this.invalidStages.log(ex.getMessage(), null);
            return stage.call();
        }
        return stage(routingStage, stage);
    }

    /**
     * Observe a stage.
     * @param <T> the type of result
     * @param <E> the type of exception the stage may throw
     * @param routingStage the stage, such as one made once with {@link RoutingStage#of}
     * @param stage the stage's work
     * @return the result of the stage
     * @throws E the exception of the stage, unchanged
     */
    public <T extends @Nullable Object, E extends Throwable> T stage(RoutingStage routingStage,
            ObservedCall<T, E> stage) throws E {
        return observe(RoutingObservationContext.stage(routingStage), ResultKind.PLAIN, stage);
    }

    /**
     * Record the decision of the routing call in progress: the current observation's, or
     * its nearest ancestor's, when that is a routing call. It takes precedence over a
     * decision found in the call's result. Does nothing outside a routing call.
     * @param decision the decision
     */
    public void recordDecision(RoutingDecision decision) {
        if (this.template.isNoop()) {
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
            this.template.failed("record the decision in", ex);
        }
    }

    private <T extends @Nullable Object, E extends Throwable> T observe(RoutingObservationContext context,
            ResultKind kind, ObservedCall<T, E> call) throws E {
        if (this.template.isNoop()) {
            return call.call();
        }
        return this.template.observe(start(context), context, kind, call,
                context.getStage().isRequest() ? this.decisions : ResultListener.none());
    }

    private @Nullable Observation start(RoutingObservationContext context) {
        RoutingStage stage = context.getStage();
        return this.template.start(stage.getDocumentation(), customConvention(stage), stage.getDefaultConvention(),
                context);
    }

    private @Nullable ObservationConvention<RoutingObservationContext> customConvention(RoutingStage stage) {
        ObservationConvention<RoutingObservationContext> convention = this.convention;
        if (convention == null) {
            return null;
        }
        ObservationConvention<RoutingObservationContext> named = this.customConventions.get(stage);
        if (named == null) {
            named = NamedObservationConvention.of(convention, stage.getObservationName());
            this.customConventions.putIfAbsent(stage, named);
        }
        return named;
    }

    private @Nullable RoutingObservationContext currentRequest() {
        ObservationView view = this.template.getRegistry().getCurrentObservation();
        while (view != null) {
            Observation.ContextView context = view.getContextView();
            if (context instanceof RoutingObservationContext routing && routing.getStage().isRequest()) {
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
     * Takes the decision of a routing call from its result: the returned value, the value
     * of a {@code CompletionStage} or {@code Mono}, or the first element of a
     * {@code Flux} that holds one.
     */
    private final class Decisions implements ResultListener<RoutingObservationContext> {

        @Override
        public void onValue(RoutingObservationContext context, @Nullable Object value) {
            decideFromResult(context, value);
        }

        @Override
        public void onElement(RoutingObservationContext context, Object element) {
            if (context.getDecision() == null) {
                decideFromResult(context, element);
            }
        }

    }

}
