package io.inferlens.traced;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.concurrent.CompletionStage;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.micrometer.common.KeyValues;
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

    private final KeyValues highCardinalityKeyValues;

    private final boolean completionStage;

    private final DefaultTracedObservationConvention defaultConvention;

    TracedMethod(String name, SpanKind kind, String functionName, KeyValues staticKeyValues, boolean completionStage) {
        this.name = name;
        this.kind = kind;
        this.functionName = functionName;
        this.successKeyValues = staticKeyValues
            .and(TracedObservationDocumentation.LowCardinalityKeyNames.OUTCOME.withValue(Outcome.SUCCESS.value));
        this.errorKeyValues = staticKeyValues
            .and(TracedObservationDocumentation.LowCardinalityKeyNames.OUTCOME.withValue(Outcome.ERROR.value));
        this.highCardinalityKeyValues = KeyValues
            .of(TracedObservationDocumentation.HighCardinalityKeyNames.CODE_FUNCTION_NAME.withValue(functionName));
        this.completionStage = completionStage;
        this.defaultConvention = new DefaultTracedObservationConvention(name);
    }

    /**
     * Resolve the metadata of a method invoked on an instance of the given class.
     * @param method the invoked method
     * @param targetClass the class of the object the method is invoked on
     * @return the metadata, or {@code null} if the method is not traced: it does not
     * carry {@link Traced}, and it is not public or its class does not carry
     * {@link Traced}
     */
    public static @Nullable TracedMethod resolve(Method method, Class<?> targetClass) {
        Class<?> userClass = userClass(targetClass);
        Method specific = mostSpecificMethod(method, userClass);
        Traced traced = specific.getAnnotation(Traced.class);
        if (traced == null && specific != method) {
            traced = method.getAnnotation(Traced.class);
        }
        if (traced == null && Modifier.isPublic(method.getModifiers())) {
            traced = userClass.getAnnotation(Traced.class);
            if (traced == null) {
                traced = method.getDeclaringClass().getAnnotation(Traced.class);
            }
        }
        if (traced == null) {
            return null;
        }
        return of(traced, userClass, specific);
    }

    /**
     * Create the metadata of a method from its annotation.
     * @param traced the annotation
     * @param type the class the operation belongs to
     * @param method the method
     * @return the metadata
     */
    public static TracedMethod of(Traced traced, Class<?> type, Method method) {
        String name = traced.value().isBlank() ? defaultName(type, method) : traced.value().trim();
        KeyValues keyValues = KeyValues.empty();
        for (Traced.Attribute attribute : traced.attributes()) {
            keyValues = keyValues.and(attribute.key(), attribute.value());
        }
        return new TracedMethod(name, traced.kind(), type.getName() + "." + method.getName(), keyValues,
                CompletionStage.class.isAssignableFrom(method.getReturnType()));
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

    private static Class<?> userClass(Class<?> type) {
        Class<?> candidate = type;
        while (candidate.getName().contains("$$") && candidate.getSuperclass() != null
                && candidate.getSuperclass() != Object.class) {
            candidate = candidate.getSuperclass();
        }
        return candidate;
    }

    private static Method mostSpecificMethod(Method method, Class<?> targetClass) {
        if (method.getDeclaringClass() == targetClass) {
            return method;
        }
        try {
            return targetClass.getMethod(method.getName(), method.getParameterTypes());
        }
        catch (NoSuchMethodException | SecurityException ex) {
            return method;
        }
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
     * High-cardinality key-values of every call: the function name.
     * @return the key-values
     */
    public KeyValues getHighCardinalityKeyValues() {
        return this.highCardinalityKeyValues;
    }

    /**
     * Whether the method returns a {@link CompletionStage}, observed at its completion.
     * @return whether the method is asynchronous
     */
    public boolean isCompletionStage() {
        return this.completionStage;
    }

    /**
     * Default convention of this method's observations, named after its operation.
     * @return the default convention
     */
    public DefaultTracedObservationConvention getDefaultConvention() {
        return this.defaultConvention;
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
