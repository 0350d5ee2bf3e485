package io.inferlens.sample.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * An OpenAI-shaped chat completion.
 *
 * @param id completion id
 * @param object always {@code chat.completion}
 * @param created creation time, seconds since the epoch
 * @param model the model that answered
 * @param choices the answers
 * @param usage token usage
 * @author Inferlens
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionResponse(String id, String object, long created, String model, List<Choice> choices,
        @Nullable Usage usage) {

    /**
     * One answer.
     *
     * @param index position of the answer
     * @param message the answer
     * @param finishReason why generation stopped: {@code stop} or {@code length}
     */
    public record Choice(int index, ChatMessage message, @JsonProperty("finish_reason") @Nullable String finishReason) {

    }

    /**
     * Token usage of a completion.
     *
     * @param promptTokens tokens read
     * @param completionTokens tokens generated
     * @param totalTokens their sum
     */
    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens, @JsonProperty("total_tokens") int totalTokens) {

    }

}
