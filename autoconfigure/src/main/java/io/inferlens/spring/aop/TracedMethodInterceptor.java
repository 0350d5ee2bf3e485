package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.function.Predicate;

import io.inferlens.annotation.Traced;
import io.inferlens.observation.FailureLog;
import io.inferlens.traced.TracedMethod;
import io.inferlens.traced.TracedObserver;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor for {@link Traced @Traced} methods. Applied by
 * {@link TracedPointcutAdvisor}, whose pointcut is static, it costs one interceptor call
 * per invocation: no join point objects, no reflective advice call, no runtime pointcut
 * match. Method metadata is resolved on the first call and cached.
 *
 * @author Inferlens
 */
public class TracedMethodInterceptor implements MethodInterceptor {

    /**
     * The resolver of {@code @Traced}: on methods, and on types for their public methods.
     */
    static final AnnotatedMethods<Traced> METHODS = new AnnotatedMethods<>(Traced.class, true);

    private final TracedObserver observer;

    private final Predicate<MethodInvocation> shouldSkip;

    private final MethodMetadataCache<TracedMethod> methods;

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
        this.methods = tracedMethods(observer);
    }

    static MethodMetadataCache<TracedMethod> tracedMethods(TracedObserver observer) {
        return new MethodMetadataCache<>((method, targetClass) -> resolve(observer, method, targetClass),
                new FailureLog(LogFactory.getLog(TracedObserver.class),
                        "Failed to resolve @Traced on %s; its calls are not observed"));
    }

    private static @Nullable TracedMethod resolve(TracedObserver observer, Method method, Class<?> targetClass) {
        AnnotatedMethods.Found<Traced> found = METHODS.find(method, targetClass);
        return (found != null) ? observer.tracedMethod(found.annotation(), found.userClass(), found.method()) : null;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        TracedMethod method = this.observer.skips(this.shouldSkip, invocation) ? null
                : this.methods.get(invocation.getMethod(), invocation.getThis());
        return this.observer.observe(method, invocation::proceed);
    }

}
