package io.inferlens.inference;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.annotation.ConversationId;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.observation.ResultKind;
import org.jspecify.annotations.Nullable;

/**
 * What Inferlens knows of one {@link TracedInference @TracedInference} method, resolved
 * once: its operation, provider and model, which arguments name the model and the
 * conversation, and how its result completes.
 *
 * @author Inferlens
 */
public final class InferenceMethod {

    private static final Method NO_ACCESSOR;

    static {
        try {
            NO_ACCESSOR = Object.class.getMethod("hashCode");
        }
        catch (NoSuchMethodException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private final String operation;

    private final @Nullable String provider;

    private final @Nullable String model;

    private final int modelArgument;

    private final int conversationIdArgument;

    private final ResultKind resultKind;

    private String displayName = "";

    private final Map<Class<?>, Method> modelAccessors = new ConcurrentHashMap<>();

    InferenceMethod(String operation, @Nullable String provider, @Nullable String model, int modelArgument,
            int conversationIdArgument, ResultKind resultKind) {
        this.operation = operation;
        this.provider = provider;
        this.model = model;
        this.modelArgument = modelArgument;
        this.conversationIdArgument = conversationIdArgument;
        this.resultKind = resultKind;
    }

    /**
     * Create the metadata of a method from its annotation. The arguments naming the model
     * and the conversation are looked for on the parameters of both methods given, so
     * that an interface's method and its implementation resolve alike.
     * @param annotation the annotation found for the method
     * @param specific the implementation's method
     * @param method the method as invoked, which may be an interface's
     * @return the metadata
     * @throws IllegalStateException if the annotation is invalid: a blank operation, or
     * {@code @InferenceModel} or {@code @ConversationId} on more than one parameter
     */
    public static InferenceMethod of(TracedInference annotation, Method specific, Method method) {
        String name = method.getDeclaringClass().getName() + "." + method.getName();
        if (annotation.operation().isBlank()) {
            throw new IllegalStateException("@TracedInference on " + name + " has a blank operation");
        }
        int modelArgument = argument(specific, method, InferenceModel.class, name);
        int conversationIdArgument = argument(specific, method, ConversationId.class, name);
        InferenceMethod inferenceMethod = new InferenceMethod(annotation.operation().trim(),
                blankToNull(annotation.provider()), blankToNull(annotation.model()), modelArgument,
                conversationIdArgument, ResultKind.of(method.getReturnType()));
        inferenceMethod.displayName = specific.getDeclaringClass().getSimpleName() + "." + method.getName();
        return inferenceMethod;
    }

    private static int argument(Method specific, Method method, Class<? extends Annotation> type, String name) {
        int found = -1;
        for (Method candidate : new Method[] { specific, method }) {
            Annotation[][] annotations = candidate.getParameterAnnotations();
            for (int i = 0; i < annotations.length; i++) {
                for (Annotation annotation : annotations[i]) {
                    if (annotation.annotationType() == type) {
                        if (found >= 0 && found != i) {
                            throw new IllegalStateException(
                                    "@" + type.getSimpleName() + " is on more than one parameter of " + name);
                        }
                        found = i;
                    }
                }
            }
        }
        return found;
    }

    InferenceObservationContext newContext(@Nullable Object[] arguments, String defaultProvider) {
        InferenceObservationContext context = new InferenceObservationContext(this.operation,
                (this.provider != null) ? this.provider : defaultProvider, requestModel(arguments),
                InferenceRecord.Source.ANNOTATION);
        if (!this.displayName.isEmpty()) {
            context.setEnclosingName(this.displayName);
        }
        context.setStreaming(this.resultKind == ResultKind.FLUX);
        if (this.conversationIdArgument >= 0) {
            Object conversationId = arguments[this.conversationIdArgument];
            context.setConversationId((conversationId != null) ? conversationId.toString() : null);
        }
        return context;
    }

    @Nullable Object input(@Nullable Object[] arguments) {
        if (this.modelArgument >= 0 && !(arguments[this.modelArgument] instanceof String)) {
            return arguments[this.modelArgument];
        }
        return (arguments.length == 1) ? arguments[0] : Arrays.toString(arguments);
    }

    private @Nullable String requestModel(@Nullable Object[] arguments) {
        if (this.model != null) {
            return this.model;
        }
        if (this.modelArgument < 0) {
            return null;
        }
        Object argument = arguments[this.modelArgument];
        if (argument == null || argument instanceof String) {
            return (String) argument;
        }
        Method accessor = this.modelAccessors.computeIfAbsent(argument.getClass(), InferenceMethod::modelAccessor);
        if (accessor == NO_ACCESSOR) {
            return null;
        }
        try {
            Object model = accessor.invoke(argument);
            return (model != null) ? model.toString() : null;
        }
        catch (ReflectiveOperationException ex) {
            return null;
        }
    }

    private static Method modelAccessor(Class<?> type) {
        for (String name : new String[] { "model", "getModel" }) {
            try {
                Method method = type.getMethod(name);
                if (!Modifier.isStatic(method.getModifiers()) && method.getReturnType() != void.class) {
                    method.trySetAccessible();
                    return method;
                }
            }
            catch (NoSuchMethodException ex) {
                // try the next name
            }
        }
        return NO_ACCESSOR;
    }

    /**
     * The operation name.
     * @return the operation
     */
    public String getOperation() {
        return this.operation;
    }

    /**
     * How the method's result completes.
     * @return the kind of result
     */
    public ResultKind getResultKind() {
        return this.resultKind;
    }

    private static @Nullable String blankToNull(String value) {
        return value.isBlank() ? null : value.trim();
    }

}
