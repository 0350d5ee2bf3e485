package io.inferlens.langchain4j;

import java.util.Map;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.inferlens.inference.Inference;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.observation.FailureLog;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * LangChain4j {@link ChatModelListener} that observes every call of the chat models it is
 * attached to through the {@link InferenceRecorder}: one GenAI client span ({@code chat
 * {model}}), the GenAI client metrics and one
 * {@link io.inferlens.inference.InferenceRecord InferenceRecord}, priced, per call, for a
 * {@code ChatModel} as for a {@code StreamingChatModel}. Attach it with a model builder's
 * {@code listeners(...)}; LangChain4j's Spring Boot starters attach
 * {@code ChatModelListener} beans themselves.
 * <p>
 * The call is started on the caller's thread when LangChain4j announces the request, so
 * that the observation current there is its parent; no scope is opened, since a streamed
 * response ends on another thread. LangChain4j tells listeners of the complete response
 * but not of its partial responses: a streamed call is recognised by its end arriving on
 * another thread than its request (a {@code ChatModel} ends on the caller's thread), and
 * has a time to first chunk when its handler is watched ({@link StreamingCall}: the
 * streaming chat model beans of a Spring application are). The listener never throws into
 * LangChain4j: a failure is logged once at WARN (then at DEBUG) per listener method and
 * the call goes on.
 *
 * @author Inferlens
 */
public class InferlensChatModelListener implements ChatModelListener {

    /**
     * Key of the call's state in LangChain4j's listener attributes. One key for every
     * instance, so that a model with this listener twice is observed once.
     */
    static final String ATTRIBUTE = InferlensChatModelListener.class.getName();

    private static final String OPERATION = "chat";

    private static final Log logger = LogFactory.getLog(InferlensChatModelListener.class);

    private static final String FAILURE = "Failed to %s of a LangChain4j chat model call; the call itself is unaffected";

    private final FailureLog requestFailures = new FailureLog(logger, FAILURE);

    private final FailureLog responseFailures = new FailureLog(logger, FAILURE);

    private final FailureLog errorFailures = new FailureLog(logger, FAILURE);

    private final InferenceRecorder recorder;

    /**
     * Create a listener.
     * @param recorder the recorder of model calls
     */
    public InferlensChatModelListener(InferenceRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    public void onRequest(ChatModelRequestContext requestContext) {
        try {
            Call call = new Call(this, Thread.currentThread());
            // claimed before the observation starts: an attribute map that cannot take
            // it leaves no observation that nothing would stop
            if (requestContext.attributes().putIfAbsent(ATTRIBUTE, call) != null) {
                return;
            }
            ChatRequest request = requestContext.chatRequest();
            call.inference = this.recorder.start(OPERATION, ProviderNames.of(requestContext.modelProvider()),
                    (request != null) ? request.modelName() : null, InferenceRecord.Source.LANGCHAIN4J);
            StreamingCall streaming = StreamingCall.take();
            Inference inference = call.inference;
            if (streaming != null && inference != null) {
                streaming.attach(inference);
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.requestFailures.log("start the observation", ex);
        }
    }

    @Override
    public void onResponse(ChatModelResponseContext responseContext) {
        try {
            Inference inference = end(responseContext.attributes());
            if (inference == null) {
                return;
            }
            try {
                ChatResponse response = responseContext.chatResponse();
                if (response != null) {
                    inference.usage(ChatResponseUsage.of(response));
                }
            }
            finally {
                inference.stop();
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.responseFailures.log("record the response", ex);
        }
    }

    @Override
    public void onError(ChatModelErrorContext errorContext) {
        try {
            Inference inference = end(errorContext.attributes());
            if (inference == null) {
                return;
            }
            try {
                Throwable error = errorContext.error();
                if (error != null) {
                    inference.error(error);
                }
            }
            finally {
                inference.stop();
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.errorFailures.log("record the error", ex);
        }
    }

    /**
     * Take the call this listener started out of the attributes, once, and mark it
     * streamed if it ends on another thread than it started on.
     * @param attributes the listener attributes of the call
     * @return the call's inference, or {@code null} if this listener did not start it
     */
    private @Nullable Inference end(Map<Object, Object> attributes) {
        if (!(attributes.get(ATTRIBUTE) instanceof Call call) || call.listener != this
                || !attributes.remove(ATTRIBUTE, call)) {
            return null;
        }
        Inference inference = call.inference;
        if (inference != null && call.thread != Thread.currentThread()) {
            inference.getContext().setStreaming(true);
        }
        return inference;
    }

    /**
     * A call this listener observes: the thread it started on and its inference, once
     * started.
     */
    private static final class Call {

        private final InferlensChatModelListener listener;

        private final Thread thread;

        private volatile @Nullable Inference inference;

        Call(InferlensChatModelListener listener, Thread thread) {
            this.listener = listener;
            this.thread = thread;
        }

    }

}
