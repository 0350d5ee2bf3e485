package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.inferlens.annotation.TracedRouting;
import io.inferlens.spring.aop.LazyAdvicePointcutAdvisor;

import org.springframework.aop.MethodMatcher;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.aop.support.annotation.AnnotationMethodMatcher;

/**
 * Applies a {@link RoutingMethodInterceptor} to every method annotated with
 * {@link TracedRouting @TracedRouting}, on the class or on an interface it implements.
 * The pointcut is decided once per method and class when the proxy is built.
 *
 * @author Inferlens
 */
public class RoutingPointcutAdvisor extends LazyAdvicePointcutAdvisor {

    /**
     * Create an advisor for the given interceptor.
     * @param interceptor the interceptor
     */
    public RoutingPointcutAdvisor(RoutingMethodInterceptor interceptor) {
        this(() -> interceptor);
    }

    /**
     * Create an advisor that obtains its interceptor when it is first needed, so that
     * creating the advisor, which auto-proxy creators do early, creates none of the
     * interceptor's collaborators (the observation registry among them) before their own
     * post-processors are ready.
     * @param interceptor supplies the interceptor, once
     */
    public RoutingPointcutAdvisor(Supplier<? extends RoutingMethodInterceptor> interceptor) {
        super(new TracedRoutingPointcut(), interceptor);
    }

    private static final class TracedRoutingPointcut extends StaticMethodMatcherPointcut {

        private final MethodMatcher annotated = new AnnotationMethodMatcher(TracedRouting.class, true);

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return this.annotated.matches(method, targetClass);
        }

    }

}
