package io.inferlens.spring.aop;

import java.util.concurrent.CompletionStage;

import io.inferlens.routing.RoutingRecorder;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor for {@link io.inferlens.annotation.TracedRouting @TracedRouting}
 * methods: each call is observed by a {@link RoutingRecorder} as a routing call, until
 * the returned {@link CompletionStage} completes for methods declared to return one.
 * Applied by {@link RoutingPointcutAdvisor}, whose pointcut is static.
 *
 * @author Inferlens
 */
public class RoutingMethodInterceptor implements MethodInterceptor {

    private final RoutingRecorder recorder;

    /**
     * Create an interceptor.
     * @param recorder the recorder of the calls
     */
    public RoutingMethodInterceptor(RoutingRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        boolean async = CompletionStage.class.isAssignableFrom(invocation.getMethod().getReturnType());
        return this.recorder.routeInvocation(invocation::proceed, async);
    }

}
