package io.inferlens.spring.aop;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

import io.inferlens.observation.FailureLog;
import org.jspecify.annotations.Nullable;

/**
 * What an interceptor knows of each method it intercepts, resolved on the first call and
 * cached per method and class of the object it is invoked on, so that no annotation
 * lookup happens on later calls. A resolution that fails is logged once and cached as
 * "not observed", so the method runs unobserved.
 *
 * @param <M> the type of metadata
 * @author Inferlens
 */
final class MethodMetadataCache<M> {

    private static final Object UNOBSERVED = new Object();

    private final BiFunction<Method, Class<?>, @Nullable M> resolver;

    private final FailureLog failures;

    private final ClassValue<Map<Method, Object>> methods = new ClassValue<>() {
        @Override
        protected Map<Method, Object> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    MethodMetadataCache(BiFunction<Method, Class<?>, @Nullable M> resolver, FailureLog failures) {
        this.resolver = resolver;
        this.failures = failures;
    }

    /**
     * The metadata of a method invoked on an object.
     * @param method the invoked method
     * @param target the object, or {@code null} for a static method
     * @return the metadata, or {@code null} if the method is not observed
     */
    @SuppressWarnings("unchecked")
    @Nullable M get(Method method, @Nullable Object target) {
        Class<?> targetClass = (target != null) ? target.getClass() : method.getDeclaringClass();
        Map<Method, Object> cache = this.methods.get(targetClass);
        Object cached = cache.get(method);
        if (cached == null) {
            Object resolved;
            try {
                M metadata = this.resolver.apply(method, targetClass);
                resolved = (metadata != null) ? metadata : UNOBSERVED;
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures.log(method.toGenericString(), ex);
                resolved = UNOBSERVED;
            }
            Object previous = cache.putIfAbsent(method, resolved);
            cached = (previous != null) ? previous : resolved;
        }
        return (cached != UNOBSERVED) ? (M) cached : null;
    }

}
