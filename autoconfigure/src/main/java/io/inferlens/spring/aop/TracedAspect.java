package io.inferlens.spring.aop;

import java.util.function.Predicate;

import io.inferlens.traced.TracedMethod;
import io.inferlens.traced.TracedObserver;
import io.micrometer.observation.ObservationRegistry;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.jspecify.annotations.Nullable;

/**
 * AspectJ aspect for {@link io.inferlens.annotation.Traced @Traced} methods, for
 * applications that weave with AspectJ (compile-time or load-time) rather than Spring
 * AOP. Spring Boot applications get {@link TracedMethodInterceptor} instead, which Spring
 * AOP matches statically and calls without reflection. Both resolve the annotation alike
 * and observe through a {@link TracedObserver}. Use one or the other: with both, each
 * call is observed twice (declaring a {@code TracedAspect} bean makes the auto-configured
 * advisor back off). Under AspectJ weaving, annotate the implementation: AspectJ does not
 * match annotations on interface methods.
 *
 * @author Inferlens
 * @see io.micrometer.observation.aop.ObservedAspect
 */
@Aspect
public class TracedAspect {

    private final TracedObserver observer;

    private final Predicate<ProceedingJoinPoint> shouldSkip;

    private final MethodMetadataCache<TracedMethod> methods;

    /**
     * Create an aspect with the default convention that observes every call.
     * @param registry the observation registry
     */
    public TracedAspect(ObservationRegistry registry) {
        this(new TracedObserver(registry, null), (pjp) -> false);
    }

    /**
     * Create an aspect.
     * @param observer the observer of the calls
     * @param shouldSkip whether a call is left unobserved
     */
    public TracedAspect(TracedObserver observer, Predicate<ProceedingJoinPoint> shouldSkip) {
        this.observer = observer;
        this.shouldSkip = shouldSkip;
        this.methods = TracedMethodInterceptor.tracedMethods(observer);
    }

    /**
     * Observe a call.
     * @param pjp the join point
     * @return what the method returned
     * @throws Throwable what the method threw, unchanged
     */
    @Around("execution(@io.inferlens.annotation.Traced * *(..)) "
            + "|| (@within(io.inferlens.annotation.Traced) && execution(public * *(..)))")
    public @Nullable Object observe(ProceedingJoinPoint pjp) throws Throwable {
        TracedMethod method = this.observer.skips(this.shouldSkip, pjp) ? null
                : this.methods.get(((MethodSignature) pjp.getSignature()).getMethod(), pjp.getTarget());
        return this.observer.observe(method, pjp::proceed);
    }

}
