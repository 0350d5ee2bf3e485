package io.inferlens.routing;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.inferlens.annotation.TracedRouting;
import org.aopalliance.aop.Advice;
import org.jspecify.annotations.Nullable;

import org.springframework.aop.MethodMatcher;
import org.springframework.aop.Pointcut;
import org.springframework.aop.support.AbstractPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.aop.support.annotation.AnnotationMethodMatcher;

/**
 * Applies a {@link RoutingMethodInterceptor} to every method annotated with
 * {@link TracedRouting @TracedRouting}, on the class or on an interface it implements.
 * The pointcut is decided once per method and class when the proxy is built.
 *
 * @author Inferlens
 */
public class RoutingPointcutAdvisor extends AbstractPointcutAdvisor {

    private final transient Supplier<? extends RoutingMethodInterceptor> interceptor;

    private final transient Pointcut pointcut = new TracedRoutingPointcut();

    private transient volatile @Nullable Advice advice;

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
        this.interceptor = interceptor;
    }

    @Override
    public Pointcut getPointcut() {
        return this.pointcut;
    }

    @Override
    public Advice getAdvice() {
        Advice advice = this.advice;
        if (advice == null) {
            advice = this.interceptor.get();
            this.advice = advice;
        }
        return advice;
    }

    private static final class TracedRoutingPointcut extends StaticMethodMatcherPointcut {

        private final MethodMatcher annotated = new AnnotationMethodMatcher(TracedRouting.class, true);

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return this.annotated.matches(method, targetClass);
        }

    }

}
