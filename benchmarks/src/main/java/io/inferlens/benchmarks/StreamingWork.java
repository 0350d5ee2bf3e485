package io.inferlens.benchmarks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.benchmarks.InferenceWork.ChatRequest;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * A streamed model call observed by Inferlens' {@link TracedInference @TracedInference},
 * without the model: each subscription replays prebuilt OpenAI-shaped chunks (maps, as a
 * client that decodes the server-sent events into JSON objects has them), so that what is
 * measured is the instrumentation of the stream: the subscription's observation, a chunk
 * timing and a usage read per element, and at the end the histograms, the record, its
 * cost and the span. The same class is the plain variant in a context where Inferlens is
 * disabled, so that both variants run the same code and differ only by the proxy.
 *
 * @author Inferlens
 */
public class StreamingWork {

    /**
     * Stream prebuilt chunks, synchronously on subscription.
     * @param request the request, naming the model
     * @param chunks the chunks of the response
     * @return the chunks
     */
    @TracedInference(operation = InferenceWork.OPERATION, provider = InferenceWork.PROVIDER)
    public Flux<Map<String, Object>> stream(@InferenceModel ChatRequest request, Map<String, Object>[] chunks) {
        return Flux.fromArray(chunks);
    }

    /**
     * Stream what a source publishes: a stream kept open by whoever holds the source.
     * @param request the request, naming the model
     * @param source the chunks of the response, as they come
     * @return the chunks
     */
    @TracedInference(operation = InferenceWork.OPERATION, provider = InferenceWork.PROVIDER)
    public Flux<Map<String, Object>> open(@InferenceModel ChatRequest request, Flux<Map<String, Object>> source) {
        return source;
    }

    /**
     * The chunks of a streamed OpenAI chat completion
     * ({@code stream_options.include_usage}): {@code contentChunks} content deltas, the
     * last with finish reason {@code stop}, then one usage chunk with no choices,
     * {@code contentChunks + 1} elements in all. The tokens are
     * {@link InferenceWork#PROMPT_TOKENS} and {@link InferenceWork#COMPLETION_TOKENS}
     * whatever the number of chunks.
     * @param contentChunks the number of content chunks, at least one
     * @return the chunks
     */
    @SuppressWarnings("unchecked")
    static Map<String, Object>[] chunks(int contentChunks) {
        List<Map<String, Object>> chunks = new ArrayList<>(contentChunks + 1);
        for (int i = 0; i < contentChunks; i++) {
            boolean last = i == contentChunks - 1;
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("delta", Map.of("content", "tok" + i + " "));
            choice.put("finish_reason", last ? "stop" : null);
            chunks.add(chunk(List.of(choice), null));
        }
        chunks.add(chunk(List.of(),
                Map.of("prompt_tokens", InferenceWork.PROMPT_TOKENS, "completion_tokens",
                        InferenceWork.COMPLETION_TOKENS, "total_tokens",
                        InferenceWork.PROMPT_TOKENS + InferenceWork.COMPLETION_TOKENS)));
        return chunks.toArray(Map[]::new);
    }

    private static Map<String, Object> chunk(List<Map<String, Object>> choices, @Nullable Map<String, Object> usage) {
        Map<String, Object> chunk = new LinkedHashMap<>();
        chunk.put("id", "chatcmpl-bench");
        chunk.put("object", "chat.completion.chunk");
        chunk.put("model", InferenceWork.MODEL);
        chunk.put("choices", choices);
        chunk.put("usage", usage);
        return chunk;
    }

}
