package io.inferlens.spring.aop;

import java.util.function.Supplier;

import io.inferlens.annotation.Traced;
import io.inferlens.traced.TracedMethod;

/**
 * Applies a {@link TracedMethodInterceptor} to every method annotated with
 * {@link Traced @Traced}, and to every public method of a type annotated with it. An
 * annotation with a reserved or blank attribute key fails when the proxy is built, naming
 * the method and the key.
 *
 * @author Inferlens
 */
public class TracedPointcutAdvisor extends AnnotationPointcutAdvisor<Traced> {

    /**
     * Create an advisor for the given interceptor.
     * @param interceptor the interceptor
     */
    public TracedPointcutAdvisor(TracedMethodInterceptor interceptor) {
        this(() -> interceptor);
    }

    /**
     * Create an advisor that obtains its interceptor when it is first needed.
     * @param interceptor supplies the interceptor, once
     */
    public TracedPointcutAdvisor(Supplier<? extends TracedMethodInterceptor> interceptor) {
        super(TracedMethodInterceptor.METHODS,
                (found) -> TracedMethod.of(found.annotation(), found.userClass(), found.method()), interceptor);
    }

}
