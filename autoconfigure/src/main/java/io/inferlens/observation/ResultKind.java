package io.inferlens.observation;

import java.util.concurrent.CompletionStage;

/**
 * How the result of an observed call completes, decided once per method from its return
 * type: when the method returns, when a returned {@link CompletionStage} completes, or,
 * for a method declared to return a Reactor {@code Mono} or {@code Flux}, once per
 * subscription, when the subscription terminates or is cancelled.
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
     * The returned {@code Mono} is observed once per subscription, until it completes,
     * fails or is cancelled; its value is the result.
     */
    MONO,

    /**
     * The returned {@code Flux} is observed once per subscription, until it completes,
     * fails or is cancelled; each element is a part of the result, such as a chunk of a
     * streamed answer.
     */
    FLUX;

    private static final boolean REACTOR_PRESENT = isPresent("reactor.core.publisher.Flux");

    /**
     * The kind of result of a method with the given return type. {@code Mono} and
     * {@code Flux} are recognized only when Reactor is on the class path, and only as
     * such: a subtype (a {@code ConnectableFlux}, say) is returned as it is, since the
     * observed publisher could not be cast back to it.
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
     * Whether the result is a Reactor publisher, observed per subscription.
     * @return whether the kind is {@link #MONO} or {@link #FLUX}
     */
    public boolean isReactive() {
        return this == MONO || this == FLUX;
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
