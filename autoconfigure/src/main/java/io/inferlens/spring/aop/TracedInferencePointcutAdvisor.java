package io.inferlens.spring.aop;

import java.util.function.Supplier;

import io.inferlens.annotation.TracedInference;
import io.inferlens.inference.InferenceMethod;

/**
 * Applies a {@link TracedInferenceInterceptor} to every method annotated with
 * {@link TracedInference @TracedInference}. An invalid annotation fails when the proxy is
 * built, naming the method.
 *
 * @author Inferlens
 */
public class TracedInferencePointcutAdvisor extends AnnotationPointcutAdvisor<TracedInference> {

    /**
     * Create an advisor that obtains its interceptor when it is first needed.
     * @param interceptor supplies the interceptor, once
     */
    public TracedInferencePointcutAdvisor(Supplier<? extends TracedInferenceInterceptor> interceptor) {
        super(TracedInferenceInterceptor.METHODS,
                (found) -> InferenceMethod.of(found.annotation(), found.method(), found.invoked()), interceptor);
    }

}
