package io.inferlens.sample.gateway;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The subset of OpenAI's chat completion request that the gateway accepts.
 *
 * @param model a model name, or {@code auto} to let the router choose
 * @param messages the conversation
 * @param maxTokens the largest number of tokens to generate, or {@code null}
 * @param stream whether the completion is streamed as server-sent events
 * @param user an identifier of the end user, which keeps the user's routing policy in the
 * {@code routing-policy} experiment
 * @param streamOptions options of a streamed completion, or {@code null}
 * @author Inferlens
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(@NotBlank String model, @NotEmpty List<@NotNull @Valid ChatMessage> messages,
        @JsonProperty("max_tokens") @Positive @Max(32768) @Nullable Integer maxTokens, @Nullable Boolean stream,
        @Size(max = 256) @Nullable String user, @JsonProperty("stream_options") @Nullable StreamOptions streamOptions) {

    /**
     * Model name that asks the router to choose.
     */
    public static final String AUTO = "auto";

    /**
     * This request addressed to the given model.
     * @param target the model
     * @return the request for that model
     */
    public ChatCompletionRequest withModel(String target) {
        return new ChatCompletionRequest(target, this.messages, this.maxTokens, null, null, null);
    }

    /**
     * This request addressed to the given model as a stream that ends with its usage,
     * whether or not the client asked for it: the gateway accounts for every stream.
     * @param target the model
     * @return the streamed request for that model
     */
    public ChatCompletionRequest streamedTo(String target) {
        return new ChatCompletionRequest(target, this.messages, this.maxTokens, true, null, new StreamOptions(true));
    }

    /**
     * Whether the client asked for a streamed completion.
     * @return whether the completion is streamed
     */
    public boolean streamed() {
        return Boolean.TRUE.equals(this.stream);
    }

    /**
     * Whether the client asked for the usage at the end of the stream.
     * @return whether the usage is sent
     */
    public boolean includeUsage() {
        return this.streamOptions != null && Boolean.TRUE.equals(this.streamOptions.includeUsage());
    }

    /**
     * Options of a streamed completion.
     *
     * @param includeUsage whether the stream ends with a chunk carrying the usage
     */
    public record StreamOptions(@JsonProperty("include_usage") @Nullable Boolean includeUsage) {

    }

}
