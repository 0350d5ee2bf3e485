package io.inferlens.traced;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.NamedObservationConvention;
import io.inferlens.observation.ResultKind;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.ObservationConvention;
import org.jspecify.annotations.Nullable;

/**
 * What Inferlens knows of one {@link Traced @Traced} method, resolved once, when the
 * proxy is built or the method first called, so that no annotation lookup, name
 * derivation or key-value construction happens on later calls. Finding the annotation is
 * the business of whatever weaves the method (Spring AOP or AspectJ); this class turns
 * the annotation into the operation's metadata.
 *
 * @author Inferlens
 */
public final class TracedMethod {

    /**
     * Keys of key-values that Inferlens or Micrometer set themselves: {@code error.type},
     * and {@code error}, which Micrometer's meter handlers add as a tag and its tracing
     * handlers turn into a span error.
     */
    static final Set<String> RESERVED_KEYS = Set.of(ErrorTypes.KEY, "error");

    private final String name;

    private final SpanKind kind;

    private final String functionName;

    private final KeyValues staticKeyValues;

    private final ResultKind resultKind;

    private final DefaultTracedObservationConvention defaultConvention;

    private final long slowThresholdNanos;

    private volatile @Nullable ObservationConvention<TracedObservationContext> customConvention;

    TracedMethod(String name, SpanKind kind, String functionName, KeyValues staticKeyValues, ResultKind resultKind,
            long slowThresholdNanos) {
        this.name = name;
        this.kind = kind;
        this.functionName = functionName;
        this.staticKeyValues = staticKeyValues;
        this.resultKind = resultKind;
        this.slowThresholdNanos = slowThresholdNanos;
        this.defaultConvention = new DefaultTracedObservationConvention(name);
    }

    /**
     * Create the metadata of a method from its annotation.
     * @param traced the annotation
     * @param type the class the operation belongs to, as the user wrote it (not a proxy)
     * @param method the method
     * @return the metadata
     * @throws IllegalStateException if an attribute has a reserved or blank key
     */
    public static TracedMethod of(Traced traced, Class<?> type, Method method) {
        return of(traced, type, method, SlowCallPolicy.NONE);
    }

    /**
     * Create the metadata of a method from its annotation, with the threshold above which
     * its calls are slow.
     * @param traced the annotation
     * @param type the class the operation belongs to, as the user wrote it (not a proxy)
     * @param method the method
     * @param slowCalls the policy that gives the threshold of the operation
     * @return the metadata
     * @throws IllegalStateException if an attribute has a reserved or blank key
     */
    public static TracedMethod of(Traced traced, Class<?> type, Method method, SlowCallPolicy slowCalls) {
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
        return new TracedMethod(name, traced.kind(), functionName, keyValues, ResultKind.of(method.getReturnType()),
                slowThresholdNanos(slowCalls, name));
    }

    private static long slowThresholdNanos(SlowCallPolicy slowCalls, String operation) {
        Duration threshold = slowCalls.thresholdFor(operation);
        return (threshold != null && !threshold.isNegative() && !threshold.isZero()) ? threshold.toNanos() : 0;
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
     * Low-cardinality key-values of a call: the static attributes, and the call's
     * {@code error.type} when it failed.
     * @param error the exception the call failed with, or {@code null}
     * @return the key-values
     */
    public KeyValues getLowCardinalityKeyValues(@Nullable Throwable error) {
        return (error != null) ? this.staticKeyValues.and(ErrorTypes.KEY, ErrorTypes.of(error)) : this.staticKeyValues;
    }

    /**
     * How the method's result completes.
     * @return the kind of result
     */
    public ResultKind getResultKind() {
        return this.resultKind;
    }

    /**
     * Duration above which a call is slow, in nanoseconds, or 0 if no call is.
     * @return the threshold
     */
    public long getSlowThresholdNanos() {
        return this.slowThresholdNanos;
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
    @Nullable ObservationConvention<TracedObservationContext> customConvention(
            @Nullable ObservationConvention<TracedObservationContext> convention) {
        if (convention == null) {
            return null;
        }
        ObservationConvention<TracedObservationContext> named = this.customConvention;
        if (named == null || (named != convention
                && !(named instanceof NamedObservationConvention<?> wrapper && wrapper.getDelegate() == convention))) {
            named = NamedObservationConvention.of(convention, this.name);
            this.customConvention = named;
        }
        return named;
    }

    @Override
    public String toString() {
        return "TracedMethod[" + this.name + " -> " + this.functionName + "]";
    }

}
