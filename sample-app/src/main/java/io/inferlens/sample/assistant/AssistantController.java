package io.inferlens.sample.assistant;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring AI assistant, as a Spring AI user writes one: a {@link ChatClient} with a
 * system prompt and {@link WeatherTools}, answering at once or streamed. Nothing here
 * mentions Inferlens: its Spring AI bridge observes every model and tool call.
 *
 * @author Inferlens
 */
@RestController
@RequestMapping("/assistant")
public class AssistantController {

    private final ChatClient chatClient;

    public AssistantController(ChatClient.Builder builder, WeatherTools tools) {
        this.chatClient = builder.defaultSystem("You are a concise assistant. Use current_weather for the weather.")
            .defaultTools(tools)
            .build();
    }

    /**
     * Answer a question.
     * @param question the question
     * @return the answer, the model and its tokens
     */
    @PostMapping("/ask")
    public Answer ask(@Valid @RequestBody Question question) {
        ChatResponse response = this.chatClient.prompt().user(question.question()).call().chatResponse();
        if (response == null || response.getResult() == null) {
            return new Answer("", null, null, null);
        }
        Usage usage = response.getMetadata().getUsage();
        return new Answer(response.getResult().getOutput().getText(), response.getMetadata().getModel(),
                usage.getPromptTokens(), usage.getCompletionTokens());
    }

    /**
     * Answer a question as a stream of text chunks (server-sent events).
     * @param question the question
     * @return the chunks
     */
    @PostMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    public Flux<String> stream(@Valid @RequestBody Question question) {
        return this.chatClient.prompt().user(question.question()).stream().content();
    }

    /**
     * A question.
     *
     * @param question the text
     */
    public record Question(@NotBlank @Size(max = 4000) String question) {
    }

    /**
     * An answer.
     *
     * @param text the text
     * @param model the model that answered
     * @param promptTokens the prompt tokens of all the model's calls
     * @param completionTokens the completion tokens of all the model's calls
     */
    public record Answer(@Nullable String text, @Nullable String model, @Nullable Integer promptTokens,
            @Nullable Integer completionTokens) {
    }

}
