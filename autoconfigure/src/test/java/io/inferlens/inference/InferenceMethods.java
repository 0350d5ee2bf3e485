package io.inferlens.inference;

import java.lang.reflect.Method;

import io.inferlens.annotation.TracedInference;
import io.inferlens.spring.aop.AnnotatedMethods;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link TracedInference @TracedInference} for tests as Inferlens' interceptor
 * does: found by {@link AnnotatedMethods}, turned into metadata by
 * {@link InferenceMethod#of}.
 */
public final class InferenceMethods {

    private static final AnnotatedMethods<TracedInference> METHODS = new AnnotatedMethods<>(TracedInference.class,
            false);

    private InferenceMethods() {
    }

    public static @Nullable InferenceMethod resolve(Method method, Class<?> targetClass) {
        AnnotatedMethods.Found<TracedInference> found = METHODS.find(method, targetClass);
        return (found != null) ? InferenceMethod.of(found.annotation(), found.method(), found.invoked()) : null;
    }

}
