package io.inferlens.traced;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * What Inferlens knows of one {@link Traced @Traced} method, resolved once when the
 * method is first called so that no annotation lookup, name derivation or key-value
 * construction happens on later calls.
 *
 * @author Inferlens
 */
public final class TracedMethod {

    private final String name;

    private final SpanKind kind;

    private final String functionName;

    private final KeyValues successKeyValues;

    private final KeyValues errorKeyValues;

    private final boolean completionStage;

    private final DefaultTracedObservationConvention defaultConvention;

    private volatile @Nullable NamedTracedObservationConvention customConvention;

    // set by the observer before it publishes this instance; 0 when calls are never slow
    private long slowThresholdNanos;

    TracedMethod(String name, SpanKind kind, String functionName, KeyValues staticKeyValues, boolean completionStage) {
        this.name = name;
        this.kind = kind;
        this.functionName = functionName;
        this.successKeyValues = staticKeyValues
            .and(TracedObservationDocumentation.LowCardinalityKeyNames.OUTCOME.withValue(Outcome.SUCCESS.value));
        this.errorKeyValues = staticKeyValues
            .and(TracedObservationDocumentation.LowCardinalityKeyNames.OUTCOME.withValue(Outcome.ERROR.value));
        this.completionStage = completionStage;
        this.defaultConvention = new DefaultTracedObservationConvention(name);
    }

    /**
     * Resolve the metadata of a method invoked on an instance of the given class. The
     * annotation is looked for on the method, then on the methods it overrides or
     * implements in the class's superclasses and interfaces, then, for a public method,
     * on the class, its superclasses and its interfaces; so the same method resolves
     * alike whether a proxy reports the interface's method or the implementation's.
     * @param method the invoked method
     * @param targetClass the class of the object the method is invoked on
     * @return the metadata, or {@code null} if the method is not traced
     * @throws IllegalStateException if the annotation is invalid, such as an attribute
     * with a reserved or blank key
     */
    public static @Nullable TracedMethod resolve(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == Object.class) {
            return null;
        }
        Class<?> userClass = userClass(targetClass);
        Traced traced = findOnMethod(method, userClass);
        if (traced == null && Modifier.isPublic(method.getModifiers())) {
            traced = findOnType(userClass);
            if (traced == null) {
                traced = findOnType(method.getDeclaringClass());
            }
        }
        return (traced != null) ? of(traced, userClass, method) : null;
    }

    /**
     * Whether any method of the given class may be traced: the class, one of its
     * superclasses or interfaces, or one of their methods carries {@link Traced}. Decided
     * once per class; lets a pointcut skip the other classes without looking at their
     * methods.
     * @param type the class
     * @return whether to look at its methods
     */
    public static boolean isCandidate(Class<?> type) {
        return CANDIDATES.get(type);
    }

    private static final ClassValue<Boolean> CANDIDATES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            for (Class<?> candidate : hierarchy(userClass(type))) {
                if (candidate.isAnnotationPresent(Traced.class)) {
                    return true;
                }
                for (Method method : candidate.getDeclaredMethods()) {
                    if (method.isAnnotationPresent(Traced.class)) {
                        return true;
                    }
                }
            }
            return false;
        }
    };

    /**
     * Create the metadata of a method from its annotation.
     * @param traced the annotation
     * @param type the class the operation belongs to
     * @param method the method
     * @return the metadata
     * @throws IllegalStateException if an attribute has a reserved or blank key
     */
    public static TracedMethod of(Traced traced, Class<?> type, Method method) {
        String name = traced.value().isBlank() ? defaultName(type, method) : traced.value().trim();
        String functionName = type.getName() + "." + method.getName();
        KeyValues keyValues = KeyValues.empty();
        for (Traced.Attribute attribute : traced.attributes()) {
            String key = attribute.key().trim();
            if (key.isEmpty() || RESERVED_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
                throw new IllegalStateException("@Traced attribute key '" + attribute.key() + "' on " + functionName
                        + " is " + (key.isEmpty() ? "blank" : "reserved") + "; reserved keys are " + RESERVED_KEYS);
            }
            keyValues = keyValues.and(key, attribute.value());
        }
        return new TracedMethod(name, traced.kind(), functionName, keyValues,
                CompletionStage.class.isAssignableFrom(method.getReturnType()));
    }

    /**
     * Keys of key-values that Inferlens or Micrometer set themselves: {@code outcome},
     * and {@code error}, which Micrometer's meter handlers add as a tag and its tracing
     * handlers turn into a span error.
     */
    static final Set<String> RESERVED_KEYS = Set.of("outcome", "error");

    private static @Nullable Traced findOnMethod(Method method, Class<?> userClass) {
        Traced traced = method.getAnnotation(Traced.class);
        if (traced != null) {
            return traced;
        }
        for (Class<?> type : hierarchy(userClass, method.getDeclaringClass())) {
            for (Method candidate : type.getDeclaredMethods()) {
                if (candidate != method && overrides(method, candidate)) {
                    traced = candidate.getAnnotation(Traced.class);
                    if (traced != null) {
                        return traced;
                    }
                }
            }
        }
        return null;
    }

    private static @Nullable Traced findOnType(Class<?> type) {
        for (Class<?> candidate : hierarchy(type)) {
            Traced traced = candidate.getAnnotation(Traced.class);
            if (traced != null) {
                return traced;
            }
        }
        return null;
    }

    /**
     * Whether the two methods are one method seen from different classes of a hierarchy:
     * same name and, parameter by parameter, types that the candidate accepts (which also
     * covers a generic interface method implemented with concrete types).
     */
    private static boolean overrides(Method method, Method candidate) {
        if (!candidate.getName().equals(method.getName()) || candidate.isBridge()
                || candidate.getParameterCount() != method.getParameterCount()
                || Modifier.isPrivate(candidate.getModifiers()) || Modifier.isStatic(candidate.getModifiers())) {
            return false;
        }
        Class<?>[] parameters = method.getParameterTypes();
        Class<?>[] candidateParameters = candidate.getParameterTypes();
        for (int i = 0; i < parameters.length; i++) {
            if (!candidateParameters[i].isAssignableFrom(parameters[i])) {
                return false;
            }
        }
        return true;
    }

    /**
     * The given classes, their superclasses (but {@code Object}) and all their
     * interfaces.
     */
    private static Set<Class<?>> hierarchy(Class<?>... types) {
        Set<Class<?>> hierarchy = new LinkedHashSet<>();
        Deque<Class<?>> pending = new ArrayDeque<>(List.of(types));
        while (!pending.isEmpty()) {
            Class<?> type = pending.poll();
            if (type == null || type == Object.class || !hierarchy.add(type)) {
                continue;
            }
            if (type.getSuperclass() != null) {
                pending.add(type.getSuperclass());
            }
            pending.addAll(List.of(type.getInterfaces()));
        }
        return hierarchy;
    }

    static String defaultName(Class<?> type, Method method) {
        return snakeCase(type.getSimpleName()) + "." + snakeCase(method.getName());
    }

    static String snakeCase(String name) {
        StringBuilder builder = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                boolean wordStart = i > 0 && (Character.isLowerCase(name.charAt(i - 1))
                        || (i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1))));
                if (wordStart && builder.length() > 0 && builder.charAt(builder.length() - 1) != '_') {
                    builder.append('_');
                }
                builder.append(Character.toLowerCase(c));
            }
            else {
                builder.append(c == '$' ? '_' : c);
            }
        }
        return builder.toString().toLowerCase(Locale.ROOT);
    }

    /**
     * The class a user wrote: the superclass of a CGLIB proxy, the first interface of a
     * JDK proxy (such as an HTTP interface client), so that default names are stable.
     */
    private static Class<?> userClass(Class<?> type) {
        if (Proxy.isProxyClass(type) && type.getInterfaces().length > 0) {
            return type.getInterfaces()[0];
        }
        Class<?> candidate = type;
        while (candidate.getName().contains("$$") && candidate.getSuperclass() != null
                && candidate.getSuperclass() != Object.class) {
            candidate = candidate.getSuperclass();
        }
        return candidate;
    }

    /**
     * Name of the operation: the span and timer name.
     * @return the operation name
     */
    public String getName() {
        return this.name;
    }

    /**
     * Kind of the span.
     * @return the span kind
     */
    public SpanKind getKind() {
        return this.kind;
    }

    /**
     * Fully qualified name of the method, such as {@code com.example.ChatRouter.route}.
     * @return the function name
     */
    public String getFunctionName() {
        return this.functionName;
    }

    /**
     * Low-cardinality key-values of a call with the given outcome: the static attributes
     * and the outcome.
     * @param error whether the call failed
     * @return the key-values
     */
    public KeyValues getLowCardinalityKeyValues(boolean error) {
        return error ? this.errorKeyValues : this.successKeyValues;
    }

    /**
     * Whether the method returns a {@link CompletionStage}, observed at its completion.
     * @return whether the method is asynchronous
     */
    public boolean isCompletionStage() {
        return this.completionStage;
    }

    /**
     * Duration above which a call is slow, in nanoseconds, or 0 if no call is.
     * @return the threshold
     */
    long getSlowThresholdNanos() {
        return this.slowThresholdNanos;
    }

    void setSlowThresholdNanos(long slowThresholdNanos) {
        this.slowThresholdNanos = slowThresholdNanos;
    }

    /**
     * Default convention of this method's observations, named after its operation.
     * @return the default convention
     */
    public DefaultTracedObservationConvention getDefaultConvention() {
        return this.defaultConvention;
    }

    /**
     * The given convention for this method's observations, named after its operation when
     * the convention gives no name. The last one is kept, so the same convention is
     * wrapped once.
     * @param convention a user's convention, or {@code null}
     * @return the convention to observe with, or {@code null}
     */
    @Nullable TracedObservationConvention customConvention(@Nullable ObservationConvention<TracedObservationContext> convention) {
        if (convention == null) {
            return null;
        }
        NamedTracedObservationConvention named = this.customConvention;
        if (named == null || named.getDelegate() != convention) {
            named = new NamedTracedObservationConvention(convention, this.name);
            this.customConvention = named;
        }
        return named;
    }

    @Override
    public String toString() {
        return "TracedMethod[" + this.name + " -> " + this.functionName + "]";
    }

    /**
     * Outcome of a traced call.
     */
    public enum Outcome {

        /**
         * The call returned normally.
         */
        SUCCESS("success"),

        /**
         * The call threw or its {@link CompletionStage} completed exceptionally.
         */
        ERROR("error");

        private final String value;

        Outcome(String value) {
            this.value = value;
        }

        /**
         * Value of the {@code outcome} key.
         * @return the value
         */
        public String getValue() {
            return this.value;
        }

    }

}
