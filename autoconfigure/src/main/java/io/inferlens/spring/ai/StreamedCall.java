package io.inferlens.spring.ai;

import java.util.ArrayDeque;
import java.util.Queue;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.TokenUsage;
import io.inferlens.observation.FailureLog;
import io.micrometer.observation.Observation;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.util.ClassUtils;

/**
 * The chunks of one subscription to a Spring AI chat model's stream, as
 * {@link SpringAiStreamInterceptor} or {@link SpringAiStreamAdvisor} sees them: when the
 * first arrived, and the usage of the last chunk that reported one. Spring AI's
 * {@code MessageAggregator} hands the observation only prompt, completion and total
 * tokens; the final chunk has the provider's whole usage (cached input tokens among
 * them).
 *
 * @author Inferlens
 */
final class StreamedCall {

    private static final Log logger = LogFactory.getLog(StreamedCall.class);

    private static final FailureLog failures = new FailureLog(logger,
            "Failed to %s a Spring AI stream's call once it ended; the stream itself is unaffected");

    private static final ThreadLocal<StreamedCall> SUBSCRIBING = new ThreadLocal<>();

    private static final SpringAiTokenUsageExtractor USAGE = new SpringAiTokenUsageExtractor();

    private static final boolean CHAT_CLIENT_PRESENT = ClassUtils
        .isPresent("org.springframework.ai.chat.client.ChatClientResponse", StreamedCall.class.getClassLoader());

    private volatile @Nullable InferenceObservationContext call;

    private volatile TokenUsage usage = TokenUsage.NONE;

    private boolean ended;

    private final Queue<Runnable> waiting = new ArrayDeque<>();

    /**
     * The stream being subscribed to on this thread, taken once: Spring AI starts its
     * observation when its stream is subscribed to, on the subscribing thread.
     */
    static @Nullable StreamedCall take() {
        StreamedCall streamed = SUBSCRIBING.get();
        if (streamed != null) {
            SUBSCRIBING.remove();
        }
        return streamed;
    }

    @Nullable StreamedCall subscribing() {
        StreamedCall previous = SUBSCRIBING.get();
        SUBSCRIBING.set(this);
        return previous;
    }

    static void subscribed(@Nullable StreamedCall previous) {
        if (previous != null) {
            SUBSCRIBING.set(previous);
        }
        else {
            SUBSCRIBING.remove();
        }
    }

    void attach(InferenceObservationContext call) {
        this.call = call;
    }

    void onChunk(Object chunk) {
        InferenceObservationContext call = this.call;
        if (call != null) {
            call.chunk();
        }
        if (chunk instanceof ChatResponse response) {
            onUsage(response);
        }
        else if (CHAT_CLIENT_PRESENT) {
            ChatResponse response = ChatClientChunks.response(chunk);
            if (response != null) {
                onUsage(response);
            }
        }
    }

    private void onUsage(ChatResponse response) {
        TokenUsage usage = USAGE.extract(response);
        if (usage == null) {
            return;
        }
        // Spring AI gives the chunks before the last a usage of zeros
        usage = SpringAiTokenUsageExtractor.withoutZeros(usage);
        this.usage = (usage.hasTokens()) ? usage.orElse(this.usage) : this.usage.orElse(usage);
    }

    TokenUsage usage() {
        return this.usage;
    }

    synchronized boolean isEnded() {
        return this.ended;
    }

    /**
     * Record that the watched subscriber saw the stream end (complete, fail or be
     * cancelled), and run what waited for it.
     */
    void end() {
        synchronized (this) {
            this.ended = true;
        }
        drain();
    }

    /**
     * Record that the watched subscriber cancelled the stream, before its end.
     */
    void cancelled() {
        InferenceObservationContext call = this.call;
        if (call != null) {
            call.setCancelled(true);
        }
    }

    /**
     * Run an action once the watched subscriber saw the stream end: now if it did. A
     * {@code ChatClient} hands the chunks to its subscriber on another thread, so Spring
     * AI may stop its observation before the last chunks, the usage among them, reach the
     * watched subscriber. Actions run one at a time, in the order they were given, each
     * guarded.
     * @param action the action
     */
    void whenEnded(Runnable action) {
        boolean ended;
        synchronized (this) {
            this.waiting.add(action);
            ended = this.ended;
        }
        if (ended) {
            drain();
        }
    }

    private synchronized void drain() {
        Runnable action;
        while ((action = this.waiting.poll()) != null) {
            try {
                action.run();
            }
            catch (RuntimeException | LinkageError ex) {
                failures.log("complete", ex);
            }
        }
    }

    /**
     * Run an action once the call of an observation is over: at once, or, for a watched
     * stream, once its subscriber saw the stream end.
     * @param context the observation's context
     * @param action the action
     */
    static void afterStream(Observation.Context context, Runnable action) {
        StreamedCall streamed = context.get(StreamedCall.class);
        if (streamed != null) {
            streamed.whenEnded(action);
        }
        else {
            action.run();
        }
    }

}
