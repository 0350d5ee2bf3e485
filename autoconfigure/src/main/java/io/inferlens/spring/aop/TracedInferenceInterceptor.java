package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.inference.InferenceMethod;
import io.inferlens.inference.InferenceRecorder;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.jspecify.annotations.Nullable;

/**
 * Spring AOP interceptor of {@link io.inferlens.annotation.TracedInference
 * &#64;TracedInference} methods, applied by {@link TracedInferencePointcutAdvisor}.
 * Method metadata is resolved on the first call and cached per method and target class.
 *
 * @author Inferlens
 */
public class TracedInferenceInterceptor implements MethodInterceptor {

    private static final Object UNTRACED = new Object();

    private final InferenceRecorder recorder;

    private final ClassValue<Map<Method, Object>> methods = new ClassValue<>() {
        @Override
        protected Map<Method, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    /**
     * Create an interceptor.
     * @param recorder the recorder of model calls
     */
    public TracedInferenceInterceptor(InferenceRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public @Nullable Object invoke(MethodInvocation invocation) throws Throwable {
        InferenceMethod method = inferenceMethod(invocation);
        if (method == null) {
            return invocation.proceed();
        }
        return this.recorder.observe(method, invocation.getArguments(), invocation::proceed);
    }

    private @Nullable InferenceMethod inferenceMethod(MethodInvocation invocation) {
        Object target = invocation.getThis();
        Method method = invocation.getMethod();
        Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
        Map<Method, Object> cache = this.methods.get(targetClass);
        Object cached = cache.get(method);
        if (cached == null) {
            InferenceMethod resolved;
            try {
                resolved = InferenceMethod.resolve(method, targetClass);
            }
            catch (RuntimeException ex) {
                resolved = null;
            }
            cached = (resolved != null) ? resolved : UNTRACED;
            cache.putIfAbsent(method, cached);
        }
        return (cached != UNTRACED) ? (InferenceMethod) cached : null;
    }

}
