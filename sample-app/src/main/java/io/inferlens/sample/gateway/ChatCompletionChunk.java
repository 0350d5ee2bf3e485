package io.inferlens.sample.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One chunk of an OpenAI-shaped streamed chat completion: a {@code data:} event of the
 * stream. The last chunk of a stream asked with {@code stream_options.include_usage} has
 * no choices and the usage of the whole completion.
 *
 * @param id completion id, the same in every chunk
 * @param object always {@code chat.completion.chunk}
 * @param created creation time, seconds since the epoch
 * @param model the model that answers
 * @param choices the deltas of the answers
 * @param usage token usage, in the last chunk only
 * @author Inferlens
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionChunk(String id, String object, long created, String model, List<Choice> choices,
        ChatCompletionResponse.@Nullable Usage usage) {

    /**
     * The finish reason of the first choice, if this chunk ends it.
     * @return the finish reason, or {@code null}
     */
    public @Nullable String finishReason() {
        return (this.choices != null && !this.choices.isEmpty()) ? this.choices.get(0).finishReason() : null;
    }

    /**
     * This chunk without its usage, or {@code null} when it has nothing else to say.
     * @return the chunk without usage
     */
    public @Nullable ChatCompletionChunk withoutUsage() {
        if (this.usage == null) {
            return this;
        }
        return (this.choices == null || this.choices.isEmpty()) ? null
                : new ChatCompletionChunk(this.id, this.object, this.created, this.model, this.choices, null);
    }

    /**
     * The delta of one answer.
     *
     * @param index position of the answer
     * @param delta what the chunk adds to the answer
     * @param finishReason why generation stopped, in the answer's last chunk
     */
    public record Choice(int index, Delta delta, @JsonProperty("finish_reason") @Nullable String finishReason) {

    }

    /**
     * What a chunk adds to an answer.
     *
     * @param role the role, in the first chunk
     * @param content more text
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Delta(@Nullable String role, @Nullable String content) {

    }

}
