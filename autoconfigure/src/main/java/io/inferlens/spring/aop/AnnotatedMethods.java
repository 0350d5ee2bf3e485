package io.inferlens.spring.aop;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.aop.support.AopUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.util.ClassUtils;

/**
 * The one resolver of Inferlens' annotations on methods, used by the pointcuts, the
 * interceptors and the AspectJ aspect of {@code @Traced}, {@code @TracedInference} and
 * {@code @TracedRouting}. It searches with Spring's {@link MergedAnnotations}: the
 * annotation is looked for on the method and on the methods it overrides or implements in
 * the superclasses and interfaces of the class it is invoked on (generic ones included),
 * then, for an annotation that may go on a type, for a public method, on that class, its
 * superclasses and its interfaces. The same method therefore resolves alike whether a
 * proxy reports the interface's method or the implementation's.
 *
 * @param <A> the type of annotation
 * @author Inferlens
 */
public final class AnnotatedMethods<A extends Annotation> {

    private final Class<A> annotationType;

    private final boolean typeLevel;

    private final ClassValue<Boolean> candidates = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return hasAnnotatedMember(userClass(type));
        }
    };

    /**
     * Create a resolver.
     * @param annotationType the type of annotation
     * @param typeLevel whether an annotation on a type applies to its public methods
     */
    public AnnotatedMethods(Class<A> annotationType, boolean typeLevel) {
        this.annotationType = annotationType;
        this.typeLevel = typeLevel;
    }

    /**
     * The type of annotation.
     * @return the type
     */
    public Class<A> getAnnotationType() {
        return this.annotationType;
    }

    /**
     * Whether any method of the class may carry the annotation: the class, one of its
     * superclasses or interfaces, or one of their methods is annotated. Decided once per
     * class; lets a pointcut skip the other classes without looking at their methods.
     * @param type the class
     * @return whether to look at its methods
     */
    public boolean isCandidate(Class<?> type) {
        return this.candidates.get(type);
    }

    private boolean hasAnnotatedMember(Class<?> type) {
        if (!AnnotationUtils.isCandidateClass(type, this.annotationType)) {
            return false;
        }
        Set<Class<?>> hierarchy = new LinkedHashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>(List.of(type));
        while (!pending.isEmpty()) {
            Class<?> candidate = pending.poll();
            if (candidate == Object.class || !hierarchy.add(candidate)) {
                continue;
            }
            if (MergedAnnotations.from(candidate).isPresent(this.annotationType)) {
                return true;
            }
            for (Method method : candidate.getDeclaredMethods()) {
                if (MergedAnnotations.from(method).isPresent(this.annotationType)) {
                    return true;
                }
            }
            if (candidate.getSuperclass() != null) {
                pending.add(candidate.getSuperclass());
            }
            pending.addAll(List.of(candidate.getInterfaces()));
        }
        return false;
    }

    /**
     * Find the annotation of a method invoked on an instance of the given class.
     * @param method the invoked method, as a proxy or an AspectJ join point reports it
     * @param targetClass the class of the object it is invoked on
     * @return what was found, or {@code null} if the method is not annotated
     */
    public @Nullable Found<A> find(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return null;
        }
        Class<?> userClass = userClass(targetClass);
        Method specific = AopUtils.getMostSpecificMethod(method, userClass);
        MergedAnnotation<A> annotation = MergedAnnotations.from(specific, SearchStrategy.TYPE_HIERARCHY)
            .get(this.annotationType);
        if (!annotation.isPresent() && specific != method) {
            annotation = MergedAnnotations.from(method, SearchStrategy.TYPE_HIERARCHY).get(this.annotationType);
        }
        if (!annotation.isPresent() && this.typeLevel && Modifier.isPublic(method.getModifiers())) {
            annotation = MergedAnnotations.from(userClass, SearchStrategy.TYPE_HIERARCHY).get(this.annotationType);
            if (!annotation.isPresent()) {
                annotation = MergedAnnotations.from(method.getDeclaringClass(), SearchStrategy.TYPE_HIERARCHY)
                    .get(this.annotationType);
            }
        }
        return annotation.isPresent() ? new Found<>(annotation.synthesize(), userClass, specific, method) : null;
    }

    /**
     * The class a user wrote: the superclass of a CGLIB proxy, the first interface of a
     * JDK proxy (such as an HTTP interface client), so that default names are stable.
     * @param type the class of an object
     * @return the user's class
     */
    static Class<?> userClass(Class<?> type) {
        if (Proxy.isProxyClass(type) && type.getInterfaces().length > 0) {
            return type.getInterfaces()[0];
        }
        return ClassUtils.getUserClass(type);
    }

    /**
     * An annotation found for a method.
     *
     * @param <A> the type of annotation
     * @param annotation the annotation
     * @param userClass the class the method is invoked on, as the user wrote it
     * @param method the most specific method: the implementation's
     * @param invoked the method as invoked, which may be an interface's
     */
    public record Found<A extends Annotation>(A annotation, Class<?> userClass, Method method, Method invoked) {

    }

}
