package io.inferlens.observation;

import java.util.concurrent.CompletionStage;

/**
 * How the result of an observed call completes, decided once per method from its return
 * type: when the method returns, when a returned {@link CompletionStage} completes, or
 * when a returned Reactor {@code Mono} or {@code Flux} terminates or is cancelled.
 *
 * @author Inferlens
 */
public enum ResultKind {

    /**
     * The call is complete when it returns.
     */
    PLAIN,

    /**
     * The call is complete when the returned {@link CompletionStage} completes.
     */
    COMPLETION_STAGE,

    /**
     * The call is complete when the returned {@code Mono} completes, fails or is
     * cancelled; its value is the result.
     */
    MONO,

    /**
     * The call is complete when the returned {@code Flux} completes, fails or is
     * cancelled; each element is a part of the result, such as a chunk of a streamed
     * answer.
     */
    FLUX;

    private static final boolean REACTOR_PRESENT = isPresent("reactor.core.publisher.Flux");

    /**
     * The kind of result of a method with the given return type. Reactor types are
     * recognized only when Reactor is on the class path.
     * @param returnType the return type
     * @return the kind
     */
    public static ResultKind of(Class<?> returnType) {
        if (CompletionStage.class.isAssignableFrom(returnType)) {
            return COMPLETION_STAGE;
        }
        if (REACTOR_PRESENT) {
            ResultKind reactive = ReactorResults.kind(returnType);
            if (reactive != null) {
                return reactive;
            }
        }
        return PLAIN;
    }

    /**
     * Whether the call goes on after it returns.
     * @return whether the kind is asynchronous
     */
    public boolean isAsync() {
        return this != PLAIN;
    }

    private static boolean isPresent(String className) {
        try {
            Class.forName(className, false, ResultKind.class.getClassLoader());
            return true;
        }
        catch (ClassNotFoundException | LinkageError ex) {
            return false;
        }
    }

}
