package io.inferlens.spring.ai;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.TokenUsage;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import org.springframework.ai.chat.client.ChatClientResponse;
import org.springframework.ai.chat.model.ChatResponse;

/**
 * The chunks of one subscription to a Spring AI chat model's stream, as
 * {@link SpringAiStreamInterceptor} sees them: when the first arrived, and the usage of
 * the last chunk that reported one. Spring AI's {@code MessageAggregator} hands the
 * observation only prompt, completion and total tokens; the final chunk has the
 * provider's whole usage (cached input tokens among them).
 *
 * @author Inferlens
 */
final class StreamedCall {

    private static final ThreadLocal<StreamedCall> SUBSCRIBING = new ThreadLocal<>();

    private static final SpringAiTokenUsageExtractor USAGE = new SpringAiTokenUsageExtractor();

    private volatile @Nullable InferenceObservationContext call;

    private volatile TokenUsage usage = TokenUsage.NONE;

    private volatile boolean ended;

    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();

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
            call.firstChunk();
        }
        if (chunk instanceof ChatClientResponse clientResponse) {
            ChatResponse response = clientResponse.chatResponse();
            if (response != null) {
                onUsage(response);
            }
        }
        else if (chunk instanceof ChatResponse response) {
            onUsage(response);
        }
    }

    private void onUsage(ChatResponse response) {
        System.err
            .println("DEBUG chunk usage " + response.getMetadata().getUsage() + " attached=" + (this.call != null));
        {
            TokenUsage usage = USAGE.extract(response);
            if (usage != null && usage.inputTokens() <= 0 && usage.outputTokens() <= 0) {
                // Spring AI gives the chunks before the last a usage of zeros
                usage = new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN,
                        usage.responseModel(), usage.finishReasons());
            }
            if (usage != null) {
                this.usage = (usage.hasTokens()) ? usage.orElse(this.usage) : this.usage.orElse(usage);
            }
        }
    }

    TokenUsage usage() {
        return this.usage;
    }

    /**
     * Record that the watched subscriber saw the stream end (complete, fail or be
     * cancelled), and run what waited for it.
     */
    void end() {
        this.ended = true;
        drain();
    }

    boolean isEnded() {
        return this.ended;
    }

    /**
     * Run an action once the watched subscriber saw the stream end: now if it did. A
     * {@code ChatClient} hands the chunks to its subscriber on another thread, so Spring
     * AI may stop its observation before the last chunks, the usage among them, reach the
     * watched subscriber.
     * @param action the action
     */
    void whenEnded(Runnable action) {
        this.waiting.add(action);
        if (this.ended) {
            drain();
        }
    }

    private void drain() {
        Runnable action;
        while ((action = this.waiting.poll()) != null) {
            action.run();
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
