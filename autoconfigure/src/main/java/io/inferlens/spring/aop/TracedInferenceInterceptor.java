package io.inferlens.spring.aop;

import java.lang.reflect.Method;

import io.inferlens.annotation.TracedInference;
import io.inferlens.inference.InferenceMethod;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.observation.FailureLog;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor of {@link TracedInference @TracedInference} methods, applied by
 * {@link TracedInferencePointcutAdvisor}. Method metadata is resolved on the first call
 * and cached per method and target class.
 *
 * @author Inferlens
 */
public class TracedInferenceInterceptor implements MethodInterceptor {

    /**
     * The resolver of {@code @TracedInference}, on methods only.
     */
    static final AnnotatedMethods<TracedInference> METHODS = new AnnotatedMethods<>(TracedInference.class, false);

    private final InferenceRecorder recorder;

    private final MethodMetadataCache<InferenceMethod> methods = new MethodMetadataCache<>(
            TracedInferenceInterceptor::resolve, new FailureLog(LogFactory.getLog(InferenceRecorder.class),
                    "Failed to resolve @TracedInference on %s; its calls are not observed"));

    /**
     * Create an interceptor.
     * @param recorder the recorder of model calls
     */
    public TracedInferenceInterceptor(InferenceRecorder recorder) {
        this.recorder = recorder;
    }

    static @Nullable InferenceMethod resolve(Method method, Class<?> targetClass) {
        AnnotatedMethods.Found<TracedInference> found = METHODS.find(method, targetClass);
        return (found != null) ? InferenceMethod.of(found.annotation(), found.method(), found.invoked()) : null;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        InferenceMethod method = this.methods.get(invocation.getMethod(), invocation.getThis());
        if (method == null) {
            return invocation.proceed();
        }
        return this.recorder.observe(method, invocation.getArguments(), invocation::proceed);
    }

}
