package io.inferlens.spring.ai;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.TokenUsage;
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
        {
            TokenUsage usage = USAGE.extract(response);
            if (usage != null) {
                this.usage = (usage.hasTokens()) ? usage.orElse(this.usage) : this.usage.orElse(usage);
            }
        }
    }

    TokenUsage usage() {
        return this.usage;
    }

}
