package io.inferlens.traced;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

/**
 * Observes every call of a {@link io.inferlens.annotation.Traced @Traced} method, or of a
 * public method of a {@code @Traced} type, with Micrometer's Observation API: one call
 * produces a span (through a tracing handler) and a timer (through a meter handler).
 * <p>
 * Exceptions are recorded on the observation and rethrown unchanged; a
 * {@link CompletionStage} result is observed until it completes. The aspect never breaks
 * the call it observes: should the instrumentation itself fail, the failure is logged and
 * the method runs unobserved.
 *
 * @author Inferlens
 * @see io.micrometer.observation.aop.ObservedAspect
 */
@Aspect
public class TracedAspect {

    private static final Log logger = LogFactory.getLog(TracedAspect.class);

    private static final Object UNTRACED = new Object();

    private final ObservationRegistry registry;

    private final @Nullable TracedObservationConvention convention;

    private final Predicate<ProceedingJoinPoint> shouldSkip;

    private final ClassValue<Map<Method, Object>> methods = new ClassValue<>() {
        @Override
        protected Map<Method, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private volatile boolean failureLogged;

    /**
     * Create an aspect with the default convention that observes every call.
     * @param registry the observation registry
     */
    public TracedAspect(ObservationRegistry registry) {
        this(registry, null, (pjp) -> false);
    }

    /**
     * Create an aspect.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     * @param shouldSkip whether a call is left unobserved
     */
    public TracedAspect(ObservationRegistry registry, @Nullable TracedObservationConvention convention,
            Predicate<ProceedingJoinPoint> shouldSkip) {
        this.registry = registry;
        this.convention = convention;
        this.shouldSkip = shouldSkip;
    }

    /**
     * Observe a call.
     * @param pjp the join point
     * @return what the method returned, or, for a {@link CompletionStage}, a stage that
     * completes as it does once the observation has stopped
     * @throws Throwable what the method threw, unchanged
     */
    @Around("execution(@io.inferlens.annotation.Traced * *(..)) "
            + "|| (@within(io.inferlens.annotation.Traced) && execution(public * *(..)))")
    public @Nullable Object observe(ProceedingJoinPoint pjp) throws Throwable {
        Observation observation = startObservation(pjp);
        if (observation == null) {
            return pjp.proceed();
        }
        TracedObservationContext context = (TracedObservationContext) observation.getContext();
        if (context.getMethod().isCompletionStage()) {
            return observeCompletionStage(pjp, observation);
        }
        Observation.Scope scope = openScope(observation);
        try {
            return pjp.proceed();
        }
        catch (Throwable ex) {
            recordError(observation, ex);
            throw ex;
        }
        finally {
            closeAndStop(scope, observation);
        }
    }

    private @Nullable Object observeCompletionStage(ProceedingJoinPoint pjp, Observation observation) throws Throwable {
        Observation.Scope scope = openScope(observation);
        CompletionStage<?> stage;
        try {
            stage = (CompletionStage<?>) pjp.proceed();
        }
        catch (Throwable ex) {
            recordError(observation, ex);
            closeAndStop(scope, observation);
            throw ex;
        }
        closeScope(scope);
        if (stage == null) {
            stop(observation);
            return null;
        }
        return stage.whenComplete((result, error) -> {
            if (error != null) {
                recordError(observation, unwrap(error));
            }
            stop(observation);
        });
    }

    private @Nullable Observation startObservation(ProceedingJoinPoint pjp) {
        try {
            if (this.registry.isNoop() || this.shouldSkip.test(pjp)) {
                return null;
            }
            TracedMethod method = tracedMethod(pjp);
            if (method == null) {
                return null;
            }
            Observation observation = Observation.createNotStarted(this.convention, method.getDefaultConvention(),
                    () -> new TracedObservationContext(method), this.registry);
            return observation.isNoop() ? null : observation.start();
        }
        catch (Throwable ex) {
            instrumentationFailed("start", ex);
            return null;
        }
    }

    private @Nullable TracedMethod tracedMethod(ProceedingJoinPoint pjp) {
        Method method = ((MethodSignature) pjp.getSignature()).getMethod();
        Object target = pjp.getTarget();
        Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
        Map<Method, Object> cache = this.methods.get(targetClass);
        Object cached = cache.get(method);
        if (cached == null) {
            TracedMethod resolved = TracedMethod.resolve(method, targetClass);
            cached = (resolved != null) ? resolved : UNTRACED;
            cache.putIfAbsent(method, cached);
        }
        return (cached != UNTRACED) ? (TracedMethod) cached : null;
    }

    private Observation.Scope openScope(Observation observation) {
        try {
            return observation.openScope();
        }
        catch (Throwable ex) {
            instrumentationFailed("open a scope for", ex);
            return Observation.Scope.NOOP;
        }
    }

    private void recordError(Observation observation, Throwable error) {
        try {
            observation.error(error);
        }
        catch (Throwable ex) {
            instrumentationFailed("record the error of", ex);
        }
    }

    private void closeAndStop(Observation.Scope scope, Observation observation) {
        closeScope(scope);
        stop(observation);
    }

    private void closeScope(Observation.Scope scope) {
        try {
            scope.close();
        }
        catch (Throwable ex) {
            instrumentationFailed("close the scope of", ex);
        }
    }

    private void stop(Observation observation) {
        try {
            observation.stop();
        }
        catch (Throwable ex) {
            instrumentationFailed("stop", ex);
        }
    }

    private void instrumentationFailed(String action, Throwable ex) {
        if (!this.failureLogged) {
            this.failureLogged = true;
            logger.warn("Failed to " + action + " the observation of a @Traced method; the call itself is unaffected"
                    + " (further failures are logged at DEBUG)", ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug("Failed to " + action + " the observation of a @Traced method", ex);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable current = error;
        while ((current instanceof CompletionException || current instanceof ExecutionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        return current;
    }

}
