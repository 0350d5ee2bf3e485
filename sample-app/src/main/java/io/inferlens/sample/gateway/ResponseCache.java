package io.inferlens.sample.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.inferlens.inference.InferenceRecorder;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * A small least-recently-used cache of completions, so that a repeated prompt is answered
 * without calling a model. Each lookup is counted by Inferlens in
 * {@code inferlens_inference_cache_total{result="hit|miss"}}.
 *
 * @author Inferlens
 */
@Component
public class ResponseCache {

    private final @Nullable InferenceRecorder recorder;

    private final int size;

    private final Map<Key, RoutedCompletion> entries;

    public ResponseCache(ObjectProvider<InferenceRecorder> recorder, GatewayProperties properties) {
        this.recorder = recorder.getIfAvailable();
        this.size = properties.getCache().getSize();
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, RoutedCompletion> eldest) {
                return size() > ResponseCache.this.size;
            }
        };
    }

    /**
     * The cached completion of a request, counting the hit or miss.
     * @param request the request
     * @return the completion, if cached
     */
    public Optional<RoutedCompletion> get(ChatCompletionRequest request) {
        if (this.size == 0) {
            return Optional.empty();
        }
        RoutedCompletion cached;
        synchronized (this.entries) {
            cached = this.entries.get(Key.of(request));
        }
        if (this.recorder != null) {
            if (cached != null) {
                this.recorder.recordCacheHit();
            }
            else {
                this.recorder.recordCacheMiss();
            }
        }
        return Optional.ofNullable(cached);
    }

    /**
     * Keep the completion of a request.
     * @param request the request
     * @param completion its completion
     */
    public void put(ChatCompletionRequest request, RoutedCompletion completion) {
        if (this.size > 0) {
            synchronized (this.entries) {
                this.entries.put(Key.of(request), completion);
            }
        }
    }

    private record Key(String model, List<ChatMessage> messages, @Nullable Integer maxTokens) {

        static Key of(ChatCompletionRequest request) {
            return new Key(request.model(), request.messages(), request.maxTokens());
        }

    }

}
