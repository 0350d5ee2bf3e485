package io.inferlens.traced;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.inferlens.annotation.Traced;
import io.inferlens.observation.FailureLog;
import io.inferlens.observation.ObservationTemplate;
import io.inferlens.observation.ObservedCall;
import io.inferlens.observation.ResultListener;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Observes calls of {@link io.inferlens.annotation.Traced @Traced} methods through the
 * {@link ObservationTemplate}, whatever weaves them (Spring AOP or AspectJ). One call
 * produces a span (through a tracing handler) and a timer (through a meter handler); a
 * call slower than its operation's threshold is logged at WARN on
 * {@code io.inferlens.slow-calls} and its span marked {@code inferlens.slow=true}.
 * <p>
 * Exceptions are recorded on the observation and rethrown unchanged; a
 * {@code CompletionStage}, {@code Mono} or {@code Flux} result is observed until it
 * completes. Instrumentation never breaks the call it observes: should it fail, the
 * failure is logged once at WARN (then at DEBUG) and the method runs unobserved.
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

    private final ObservationTemplate template;

    private final @Nullable ObservationConvention<TracedObservationContext> convention;

    private final SlowCallPolicy slowCalls;

    private final ResultListener<TracedObservationContext> slowCallCheck = new SlowCallCheck();

    /**
     * Create an observer.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     */
    public TracedObserver(ObservationRegistry registry,
            @Nullable ObservationConvention<TracedObservationContext> convention) {
        this(registry, convention, SlowCallPolicy.NONE);
    }

    /**
     * Create an observer that also reports slow calls.
     * @param registry the observation registry
     * @param convention the convention to use instead of the default or a global one, or
     * {@code null}
     * @param slowCalls how long calls may take before they are slow
     */
    public TracedObserver(ObservationRegistry registry,
            @Nullable ObservationConvention<TracedObservationContext> convention, SlowCallPolicy slowCalls) {
        this.template = new ObservationTemplate(registry, new FailureLog(logger,
                "Failed to %s the observation of a @Traced method; the call itself is unaffected"));
        this.convention = convention;
        this.slowCalls = slowCalls;
    }

    /**
     * The metadata of a method, with the slow-call threshold of its operation. A policy
     * that throws is taken to say the operation has none, and the failure logged.
     * @param traced the annotation found for the method
     * @param type the class the operation belongs to, as the user wrote it
     * @param method the method
     * @return the metadata
     * @throws IllegalStateException if the annotation is invalid
     */
    public TracedMethod tracedMethod(Traced traced, Class<?> type, Method method) {
        return TracedMethod.of(traced, type, method, this::threshold);
    }

    private @Nullable Duration threshold(String operation) {
        try {
            return this.slowCalls.thresholdFor(operation);
        }
        catch (RuntimeException ex) {
            this.template.failed("find the slow-call threshold of", ex);
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
            this.template.failed("test whether to skip", ex);
            return false;
        }
    }

    /**
     * Observe one call.
     * @param method the metadata of the called method, or {@code null} to call it
     * unobserved
     * @param call the call
     * @return what the method returned, a {@code Mono} or {@code Flux} wrapped to be
     * observed until it terminates
     * @throws Throwable what the method threw, unchanged
     */
    public @Nullable Object observe(@Nullable TracedMethod method, ObservedCall<?, Throwable> call) throws Throwable {
        if (method == null) {
            return call.call();
        }
        ResultListener<TracedObservationContext> listener = (method.getSlowThresholdNanos() > 0) ? this.slowCallCheck
                : ResultListener.none();
        if (method.getResultKind().isReactive()) {
            return this.template.observeReactive(method.getResultKind(), () -> start(method), call, listener);
        }
        TracedObservationContext context = new TracedObservationContext(method);
        Observation observation = start(method, context);
        if (observation == null) {
            return call.call();
        }
        return this.template.observe(observation, context, method.getResultKind(), call, listener);
    }

    private ObservationTemplate.@Nullable Started<TracedObservationContext> start(TracedMethod method) {
        TracedObservationContext context = new TracedObservationContext(method);
        Observation observation = start(method, context);
        return (observation != null) ? new ObservationTemplate.Started<>(observation, context) : null;
    }

    private @Nullable Observation start(TracedMethod method, TracedObservationContext context) {
        Observation observation = this.template.start(TracedObservationDocumentation.TRACED,
                method.customConvention(this.convention), method.getDefaultConvention(), context);
        if (observation != null && method.getSlowThresholdNanos() > 0) {
            context.setCallStartNanos(System.nanoTime());
        }
        return observation;
    }

    /**
     * Marks a call that took longer than its threshold: called before the observation
     * stops, so that the attribute reaches the span, and, for a plain call, while its
     * scope is open, so that the log line carries the trace id.
     */
    private static final class SlowCallCheck implements ResultListener<TracedObservationContext> {

        @Override
        public void beforeStop(Observation observation, TracedObservationContext context) {
            long elapsed = System.nanoTime() - context.getCallStartNanos();
            long threshold = context.getMethod().getSlowThresholdNanos();
            if (elapsed <= threshold) {
                return;
            }
            observation.highCardinalityKeyValue(SLOW_ATTRIBUTE, "true");
            if (slowCallLogger.isWarnEnabled()) {
                String operation = context.getMethod().getName();
                long millis = TimeUnit.NANOSECONDS.toMillis(elapsed);
                long thresholdMillis = TimeUnit.NANOSECONDS.toMillis(threshold);
                slowCallLogger.atWarn()
                    .addKeyValue("inferlens.operation", operation)
                    .addKeyValue("event.duration", elapsed)
                    .addKeyValue("inferlens.slow_threshold_ms", thresholdMillis)
                    .log("Slow call: {} took {} ms, over its threshold of {} ms", operation, millis, thresholdMillis);
            }
        }

    }

}
