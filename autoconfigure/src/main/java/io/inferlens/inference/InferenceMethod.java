package io.inferlens.inference;

import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import io.inferlens.annotation.ConversationId;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

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

    private static final boolean REACTOR_PRESENT = isPresent("reactor.core.publisher.Flux");

    private final String operation;

    private final @Nullable String provider;

    private final @Nullable String model;

    private final int modelArgument;

    private final int conversationIdArgument;

    private final ResultKind resultKind;

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
     * Resolve the metadata of a method, looking for the annotation on the method and on
     * the methods it overrides or implements.
     * @param method the method
     * @param targetClass the class it is invoked on
     * @return the metadata, or {@code null} if the method is not annotated
     * @throws IllegalStateException if the annotation is invalid
     */
    public static @Nullable InferenceMethod resolve(Method method, @Nullable Class<?> targetClass) {
        Method specific = (targetClass != null) ? ClassUtils.getMostSpecificMethod(method, targetClass) : method;
        TracedInference annotation = AnnotatedElementUtils.findMergedAnnotation(specific, TracedInference.class);
        if (annotation == null && specific != method) {
            annotation = AnnotatedElementUtils.findMergedAnnotation(method, TracedInference.class);
        }
        if (annotation == null) {
            return null;
        }
        String name = method.getDeclaringClass().getName() + "." + method.getName();
        if (annotation.operation().isBlank()) {
            throw new IllegalStateException("@TracedInference on " + name + " has a blank operation");
        }
        int modelArgument = argument(specific, method, InferenceModel.class, name);
        int conversationIdArgument = argument(specific, method, ConversationId.class, name);
        return new InferenceMethod(annotation.operation().trim(), blankToNull(annotation.provider()),
                blankToNull(annotation.model()), modelArgument, conversationIdArgument,
                resultKind(method.getReturnType()));
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

    private static ResultKind resultKind(Class<?> returnType) {
        if (CompletionStage.class.isAssignableFrom(returnType)) {
            return ResultKind.COMPLETION_STAGE;
        }
        if (REACTOR_PRESENT && ReactorTypes.isReactive(returnType)) {
            return ResultKind.REACTOR;
        }
        return ResultKind.PLAIN;
    }

    InferenceObservationContext newContext(@Nullable Object[] arguments, String defaultProvider) {
        InferenceObservationContext context = new InferenceObservationContext(this.operation,
                (this.provider != null) ? this.provider : defaultProvider, requestModel(arguments));
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

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, InferenceMethod.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

    /**
     * How the result of a method completes.
     */
    public enum ResultKind {

        /**
         * The call is complete when the method returns.
         */
        PLAIN,

        /**
         * The call is complete when the returned {@link CompletionStage} completes.
         */
        COMPLETION_STAGE,

        /**
         * The call is complete when the returned Reactor {@code Mono} or {@code Flux}
         * terminates; a {@code Flux} is a stream of chunks.
         */
        REACTOR

    }

    private static final class ReactorTypes {

        static boolean isReactive(Class<?> type) {
            return reactor.core.publisher.Flux.class.isAssignableFrom(type)
                    || reactor.core.publisher.Mono.class.isAssignableFrom(type);
        }

    }

}
