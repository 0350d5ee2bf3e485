package io.inferlens.spring.aop;

import java.util.function.Supplier;

import io.inferlens.annotation.TracedRouting;

/**
 * Applies a {@link RoutingMethodInterceptor} to every method annotated with
 * {@link TracedRouting @TracedRouting}, on the class or on a method it overrides or
 * implements.
 *
 * @author Inferlens
 */
public class RoutingPointcutAdvisor extends AnnotationPointcutAdvisor<TracedRouting> {

    /**
     * Create an advisor for the given interceptor.
     * @param interceptor the interceptor
     */
    public RoutingPointcutAdvisor(RoutingMethodInterceptor interceptor) {
        this(() -> interceptor);
    }

    /**
     * Create an advisor that obtains its interceptor when it is first needed.
     * @param interceptor supplies the interceptor, once
     */
    public RoutingPointcutAdvisor(Supplier<? extends RoutingMethodInterceptor> interceptor) {
        super(RoutingMethodInterceptor.METHODS, (found) -> {
        }, interceptor);
    }

}
