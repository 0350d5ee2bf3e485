package io.inferlens.traced;

import java.lang.reflect.Method;

import io.inferlens.annotation.Traced;
import io.inferlens.spring.aop.AnnotatedMethods;
import org.jspecify.annotations.Nullable;

/**
 * Resolves {@link Traced @Traced} for tests as Inferlens' interceptor does: found by
 * {@link AnnotatedMethods}, turned into metadata by {@link TracedMethod#of}.
 */
final class TracedMethods {

    private static final AnnotatedMethods<Traced> METHODS = new AnnotatedMethods<>(Traced.class, true);

    private TracedMethods() {
    }

    static @Nullable TracedMethod resolve(Method method, Class<?> targetClass) {
        AnnotatedMethods.Found<Traced> found = METHODS.find(method, targetClass);
        return (found != null) ? TracedMethod.of(found.annotation(), found.userClass(), found.method()) : null;
    }

}
