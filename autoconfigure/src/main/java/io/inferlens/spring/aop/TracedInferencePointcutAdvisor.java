package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.function.Supplier;

import io.inferlens.annotation.TracedInference;
import io.inferlens.inference.InferenceMethod;
import io.inferlens.spring.aop.LazyAdvicePointcutAdvisor;

import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.annotation.AnnotationUtils;

/**
 * Applies a {@link TracedInferenceInterceptor} to every method annotated with
 * {@link TracedInference @TracedInference}. The pointcut is static, decided once per
 * method and class when the proxy is built; an invalid annotation fails there, naming the
 * method.
 *
 * @author Inferlens
 */
public class TracedInferencePointcutAdvisor extends LazyAdvicePointcutAdvisor {

    /**
     * Create an advisor that obtains its interceptor when it is first needed, so that
     * creating the advisor, which auto-proxy creators do early, creates none of the
     * interceptor's collaborators.
     * @param interceptor supplies the interceptor, once
     */
    public TracedInferencePointcutAdvisor(Supplier<? extends TracedInferenceInterceptor> interceptor) {
        super(new TracedInferencePointcut(), interceptor);
    }

    private static final class TracedInferencePointcut extends StaticMethodMatcherPointcut {

        TracedInferencePointcut() {
            setClassFilter((type) -> AnnotationUtils.isCandidateClass(type, TracedInference.class));
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return InferenceMethod.resolve(method, targetClass) != null;
        }

    }

}
