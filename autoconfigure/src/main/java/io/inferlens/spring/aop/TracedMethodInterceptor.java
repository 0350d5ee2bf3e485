package io.inferlens.spring.aop;

import java.util.function.Predicate;

import io.inferlens.traced.TracedMethod;
import io.inferlens.traced.TracedObserver;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor for {@link io.inferlens.annotation.Traced @Traced} methods.
 * Applied by {@link TracedPointcutAdvisor}, whose pointcut is static, it costs one
 * interceptor call per invocation: no join point objects, no reflective advice call, no
 * runtime pointcut match.
 *
 * @author Inferlens
 */
public class TracedMethodInterceptor implements MethodInterceptor {

    private final TracedObserver observer;

    private final Predicate<MethodInvocation> shouldSkip;

    /**
     * Create an interceptor that observes every call.
     * @param observer the observer of the calls
     */
    public TracedMethodInterceptor(TracedObserver observer) {
        this(observer, (invocation) -> false);
    }

    /**
     * Create an interceptor.
     * @param observer the observer of the calls
     * @param shouldSkip whether a call is left unobserved
     */
    public TracedMethodInterceptor(TracedObserver observer, Predicate<MethodInvocation> shouldSkip) {
        this.observer = observer;
        this.shouldSkip = shouldSkip;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        return this.observer.observe(tracedMethod(invocation), invocation::proceed);
    }

    private @Nullable TracedMethod tracedMethod(MethodInvocation invocation) {
        return this.observer.skips(this.shouldSkip, invocation) ? null
                : this.observer.tracedMethod(invocation.getMethod(), invocation.getThis());
    }

}
