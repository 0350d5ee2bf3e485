package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.inferlens.spring.aop.LazyAdvicePointcutAdvisor;
import io.inferlens.traced.TracedMethod;

import org.springframework.aop.support.StaticMethodMatcherPointcut;

/**
 * Applies a {@link TracedMethodInterceptor} to every method annotated with
 * {@link io.inferlens.annotation.Traced @Traced}, and to every public method of a type
 * annotated with it. The pointcut is decided once per method and class when the proxy is
 * built.
 *
 * @author Inferlens
 */
public class TracedPointcutAdvisor extends LazyAdvicePointcutAdvisor {

    /**
     * Create an advisor for the given interceptor.
     * @param interceptor the interceptor
     */
    public TracedPointcutAdvisor(TracedMethodInterceptor interceptor) {
        this(() -> interceptor);
    }

    /**
     * Create an advisor that obtains its interceptor when it is first needed, so that
     * creating the advisor, which auto-proxy creators do early, creates none of the
     * interceptor's collaborators (the observation registry among them) before their own
     * post-processors are ready.
     * @param interceptor supplies the interceptor, once
     */
    public TracedPointcutAdvisor(Supplier<? extends TracedMethodInterceptor> interceptor) {
        super(new TracedPointcut(), interceptor);
    }

    private static final class TracedPointcut extends StaticMethodMatcherPointcut {

        TracedPointcut() {
            setClassFilter(TracedMethod::isCandidate);
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return TracedMethod.resolve(method, targetClass) != null;
        }

    }

}
