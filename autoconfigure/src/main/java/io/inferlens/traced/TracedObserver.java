package io.inferlens.traced;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.GuardedObservations;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes calls of {@link io.inferlens.annotation.Traced @Traced} methods with
 * Micrometer's Observation API, whatever weaves them: {@link TracedMethodInterceptor} for
 * Spring AOP, {@link TracedAspect} for AspectJ. One call produces a span (through a
 * tracing handler) and a timer (through a meter handler).
 * <p>
 * Exceptions are recorded on the observation and rethrown unchanged; a
 * {@link CompletionStage} result is observed until it completes, and returned as it is.
 * Instrumentation never breaks the call it observes: should it fail, the failure is
 * logged once at WARN (then at DEBUG) and the method runs unobserved. Method metadata is
 * resolved once per method and target class.
 *
 * @author Inferlens
 */
public class TracedObserver {

    /**
     * Span attribute of a slow call, set to {@code true}.
     */
    public static final String SLOW_ATTRIBUTE = "inferlens.slow";

    private static final Log logger = LogFactory.getLog(TracedObserver.class);

    private static final Logger slowCallLogger = LoggerFactory.getLogger("io.inferlens.slow-calls");

    private static final Object UNTRACED = new Object();

    private final ObservationRegistry registry;

    private final @Nullable TracedObservationConvention convention;

    private final GuardedObservations guarded;

    private final SlowCallPolicy slowCalls;

    private final ClassValue<Map<Method, Object>> methods = new ClassValue<>() {
        @Override
        protected Map<Method, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * Create an observer.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     */
    public TracedObserver(ObservationRegistry registry, @Nullable TracedObservationConvention convention) {
        this(registry, convention, SlowCallPolicy.NONE);
    }

    /**
     * Create an observer that also reports slow calls.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     * @param slowCalls how long calls may take before they are slow
     */
    public TracedObserver(ObservationRegistry registry, @Nullable TracedObservationConvention convention,
            SlowCallPolicy slowCalls) {
        this.registry = registry;
        this.convention = convention;
        this.slowCalls = slowCalls;
        this.guarded = new GuardedObservations(registry, new FailureLog(logger,
                "Failed to %s the observation of a @Traced method; the call itself is unaffected"));
    }

    /**
     * Metadata of a method invoked on the given object, resolved on the first call and
     * cached per method and class of the object.
     * @param method the invoked method
     * @param target the object it is invoked on, or {@code null} for a static method
     * @return the metadata, or {@code null} if the method is not traced
     */
    public @Nullable TracedMethod tracedMethod(Method method, @Nullable Object target) {
        try {
            Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
            Map<Method, Object> cache = this.methods.get(targetClass);
            Object cached = cache.get(method);
            if (cached == null) {
                TracedMethod resolved = TracedMethod.resolve(method, targetClass);
                if (resolved != null) {
                    resolved.setSlowThresholdNanos(slowThresholdNanos(resolved.getName()));
                }
                Object candidate = (resolved != null) ? resolved : UNTRACED;
                Object previous = cache.putIfAbsent(method, candidate);
                cached = (previous != null) ? previous : candidate;
            }
            return (cached != UNTRACED) ? (TracedMethod) cached : null;
        }
        catch (RuntimeException | LinkageError ex) {
            this.guarded.failed("resolve", ex);
            return null;
        }
    }

    /**
     * Whether a call is to be left unobserved. A predicate that throws is taken to say
     * no, and the failure logged.
     * @param <T> the type of the call
     * @param shouldSkip the predicate
     * @param call the call
     * @return whether to leave the call unobserved
     */
    public <T> boolean skips(Predicate<T> shouldSkip, T call) {
        try {
            return shouldSkip.test(call);
        }
        catch (RuntimeException ex) {
            this.guarded.failed("test whether to skip", ex);
            return false;
        }
    }

    /**
     * Observe one call.
     * @param method the metadata of the called method, or {@code null} to call it
     * unobserved
     * @param invocation the call
     * @return what the method returned
     * @throws Throwable what the method threw, unchanged
     */
    public @Nullable Object observe(@Nullable TracedMethod method, Invocation invocation) throws Throwable {
        Observation observation = (method != null) ? start(method) : null;
        if (observation == null) {
            return invocation.proceed();
        }
        long start = (method.getSlowThresholdNanos() > 0) ? System.nanoTime() : 0;
        Observation.Scope enclosing = this.guarded.currentScope();
        Observation.Scope scope = this.guarded.openScope(observation, enclosing);
        if (method.isCompletionStage()) {
            return observeCompletionStage(invocation, method, start, observation, scope, enclosing);
        }
        try {
            return invocation.proceed();
        }
        catch (Throwable ex) {
            this.guarded.error(observation, ex);
            throw ex;
        }
        finally {
            if (start != 0) {
                checkSlow(method, start, observation);
            }
            // Stopped while its scope is still open: handlers that put the span in scope
            // on stop (such as Boot's exemplar-aware meter handler) then find it current
            // and open no second scope.
            this.guarded.stop(observation);
            this.guarded.closeScope(scope, enclosing);
        }
    }

    private @Nullable Object observeCompletionStage(Invocation invocation, TracedMethod method, long start,
            Observation observation, Observation.Scope scope, Observation.@Nullable Scope enclosing) throws Throwable {
        Object result;
        try {
            result = invocation.proceed();
        }
        catch (Throwable ex) {
            this.guarded.error(observation, ex);
            if (start != 0) {
                checkSlow(method, start, observation);
            }
            this.guarded.stop(observation);
            this.guarded.closeScope(scope, enclosing);
            throw ex;
        }
        this.guarded.closeScope(scope, enclosing);
        if (!(result instanceof CompletionStage<?> stage)) {
            if (start != 0) {
                checkSlow(method, start, observation);
            }
            this.guarded.stop(observation);
            return result;
        }
        try {
            stage.whenComplete((value, error) -> {
                if (error != null) {
                    this.guarded.error(observation, GuardedObservations.unwrap(error));
                }
                if (start != 0) {
                    checkSlow(method, start, observation);
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

    private long slowThresholdNanos(String operation) {
        try {
            Duration threshold = this.slowCalls.thresholdFor(operation);
            return (threshold != null && !threshold.isNegative() && !threshold.isZero()) ? threshold.toNanos() : 0;
        }
        catch (RuntimeException ex) {
            this.guarded.failed("find the slow-call threshold of", ex);
            return 0;
        }
    }

    /**
     * Called before the observation stops, so that the attribute reaches the span, and,
     * for a synchronous call, while its scope is open, so that the log line carries the
     * trace id.
     */
    private void checkSlow(TracedMethod method, long start, Observation observation) {
        long elapsed = System.nanoTime() - start;
        long threshold = method.getSlowThresholdNanos();
        if (elapsed <= threshold) {
            return;
        }
        try {
            observation.highCardinalityKeyValue(SLOW_ATTRIBUTE, "true");
            if (slowCallLogger.isWarnEnabled()) {
                long millis = TimeUnit.NANOSECONDS.toMillis(elapsed);
                long thresholdMillis = TimeUnit.NANOSECONDS.toMillis(threshold);
                slowCallLogger.atWarn()
                    .addKeyValue("inferlens.operation", method.getName())
                    .addKeyValue("event.duration", elapsed)
                    .addKeyValue("inferlens.slow_threshold_ms", thresholdMillis)
                    .log("Slow call: {} took {} ms, over its threshold of {} ms", method.getName(), millis,
                            thresholdMillis);
            }
        }
        catch (RuntimeException ex) {
            this.guarded.failed("report the slow call in", ex);
        }
    }

    private @Nullable Observation start(TracedMethod method) {
        Observation observation;
        try {
            observation = Observation.createNotStarted(method.customConvention(this.convention),
                    method.getDefaultConvention(), () -> new TracedObservationContext(method), this.registry);
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

    /**
     * The call being observed.
     */
    @FunctionalInterface
    public interface Invocation {

        /**
         * Make the call.
         * @return what the method returned
         * @throws Throwable what the method threw
         */
        @Nullable Object proceed() throws Throwable;

    }

}
