package io.inferlens.spring.aop;

import java.lang.reflect.Method;

import io.inferlens.annotation.TracedRouting;
import io.inferlens.observation.FailureLog;
import io.inferlens.observation.ResultKind;
import io.inferlens.routing.RoutingRecorder;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor for {@link TracedRouting @TracedRouting} methods: each call is
 * observed by a {@link RoutingRecorder} as a routing call, until the returned
 * {@code CompletionStage}, {@code Mono} or {@code Flux} completes for methods declared to
 * return one. Applied by {@link RoutingPointcutAdvisor}, whose pointcut is static.
 *
 * @author Inferlens
 */
public class RoutingMethodInterceptor implements MethodInterceptor {

    /**
     * The resolver of {@code @TracedRouting}, on methods only.
     */
    static final AnnotatedMethods<TracedRouting> METHODS = new AnnotatedMethods<>(TracedRouting.class, false);

    private final RoutingRecorder recorder;

    private final MethodMetadataCache<ResultKind> methods = new MethodMetadataCache<>(RoutingMethodInterceptor::resolve,
            new FailureLog(LogFactory.getLog(RoutingRecorder.class),
                    "Failed to resolve @TracedRouting on %s; its calls are not observed"));

    /**
     * Create an interceptor.
     * @param recorder the recorder of the calls
     */
    public RoutingMethodInterceptor(RoutingRecorder recorder) {
        this.recorder = recorder;
    }

    private static @Nullable ResultKind resolve(Method method, Class<?> targetClass) {
        return (METHODS.find(method, targetClass) != null) ? ResultKind.of(method.getReturnType()) : null;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        ResultKind kind = this.methods.get(invocation.getMethod(), invocation.getThis());
        if (kind == null) {
            return invocation.proceed();
        }
        return this.recorder.route(kind, invocation::proceed);
    }

}
