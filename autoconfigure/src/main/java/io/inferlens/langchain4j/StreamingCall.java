package io.inferlens.langchain4j;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.inferlens.inference.Inference;
import io.inferlens.observation.FailureLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * One call of a LangChain4j {@code StreamingChatModel} whose response handler Inferlens
 * watches, for what listeners are not told: when the first partial response arrives.
 * {@link #watch(StreamingChatResponseHandler)} wraps the caller's handler and makes the
 * call pending on the calling thread; LangChain4j then announces the request to its
 * listeners on that thread, and {@link InferlensChatModelListener} joins the call's
 * {@link Inference} to it. The handler passes every callback on unchanged, each to the
 * caller's handler's own method; a failure here is logged and never reaches the stream.
 *
 * @author Inferlens
 */
public final class StreamingCall {

    private static final Log logger = LogFactory.getLog(StreamingCall.class);

    private static final FailureLog failures = new FailureLog(logger,
            "Failed to %s a partial response of a LangChain4j stream; the stream itself is unaffected");

    private static final ThreadLocal<StreamingCall> PENDING = new ThreadLocal<>();

    private volatile @Nullable Inference inference;

    private StreamingCall() {
    }

    /**
     * Wrap a caller's handler and make its call pending on this thread until
     * {@link #done(StreamingCall)}.
     * @param handler the caller's handler
     * @return the call, whose {@link #handler()} LangChain4j is to be given
     */
    public static Watched watch(StreamingChatResponseHandler handler) {
        StreamingCall call = new StreamingCall();
        StreamingCall previous = PENDING.get();
        PENDING.set(call);
        StreamingChatResponseHandler watched = (StreamingChatResponseHandler) Proxy.newProxyInstance(
                StreamingChatResponseHandler.class.getClassLoader(),
                new Class<?>[] { StreamingChatResponseHandler.class }, new Forwarding(handler, call));
        return new Watched(watched, call, previous);
    }

    /**
     * The call pending on this thread, taken once.
     * @return the call, or {@code null}
     */
    static @Nullable StreamingCall take() {
        StreamingCall call = PENDING.get();
        if (call != null) {
            PENDING.remove();
        }
        return call;
    }

    void attach(Inference inference) {
        this.inference = inference;
    }

    private void partial() {
        Inference inference = this.inference;
        if (inference != null) {
            inference.chunk(null);
        }
    }

    /**
     * A watched handler, and what was pending on the thread before it.
     *
     * @param handler the handler to give LangChain4j
     * @param call the call
     * @param previous the call pending before, restored by {@link #done()}
     */
    public record Watched(StreamingChatResponseHandler handler, StreamingCall call, @Nullable StreamingCall previous) {

        /**
         * The model threw before its stream started: LangChain4j tells its listeners
         * nothing of it, so the call's observation ends here, failed.
         * @param error what the model threw
         */
        public void failed(Throwable error) {
            Inference inference = this.call.inference;
            if (inference != null) {
                try {
                    inference.error(error).stop();
                }
                catch (RuntimeException | LinkageError ex) {
                    failures.log("end", ex);
                }
            }
        }

        /**
         * The call has been handed to LangChain4j: nothing is pending on this thread any
         * more but what was before.
         */
        public void done() {
            if (this.previous != null) {
                PENDING.set(this.previous);
            }
            else {
                PENDING.remove();
            }
        }

    }

    private record Forwarding(StreamingChatResponseHandler handler, StreamingCall call) implements InvocationHandler {

        @Override
        public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "Inferlens-watched " + this.handler;
                };
            }
            if (method.getName().startsWith("onPartial")) {
                try {
                    this.call.partial();
                }
                catch (RuntimeException | LinkageError ex) {
                    failures.log("mark", ex);
                }
            }
            try {
                return method.invoke(this.handler, args);
            }
            catch (InvocationTargetException ex) {
                throw ex.getCause();
            }
        }

    }

}
