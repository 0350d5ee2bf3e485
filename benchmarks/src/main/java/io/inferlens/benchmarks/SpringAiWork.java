package io.inferlens.benchmarks;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.Prompt;

/**
 * A Spring AI chat model that observes its calls and streams exactly as Spring AI's
 * {@code OpenAiChatModel} does, around prebuilt responses instead of HTTP, so that a
 * benchmark measures the observation alone: Spring AI's, with or without Inferlens'
 * bridge.
 *
 * @author Inferlens
 */
public class SpringAiWork implements ChatModel {

    static final String MODEL = "bench-model";

    private static final DefaultChatModelObservationConvention CONVENTION = new DefaultChatModelObservationConvention();

    private final ObservationRegistry registry;

    private final ChatResponse response = response(List.of(generation("Hello there.")), 120, 30, 64L);

    private final List<ChatResponse> chunks = List.of(response(List.of(generation("Hello")), null, null, null),
            response(List.of(generation(" there.")), null, null, null), response(List.of(), 120, 30, 64L));

    public SpringAiWork(ObservationRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ChatResponse call(Prompt prompt) {
        ChatModelObservationContext context = ChatModelObservationContext.builder()
            .prompt(prompt)
            .provider("openai")
            .build();
        return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
            .observation(null, CONVENTION, () -> context, this.registry)
            .observe(() -> {
                context.setResponse(this.response);
                return this.response;
            });
    }

    @Override
    public Flux<ChatResponse> stream(Prompt prompt) {
        return Flux.deferContextual((contextView) -> {
            ChatModelObservationContext context = ChatModelObservationContext.builder()
                .prompt(prompt)
                .provider("openai")
                .streaming(true)
                .build();
            Observation observation = ChatModelObservationDocumentation.CHAT_MODEL_OPERATION.observation(null,
                    CONVENTION, () -> context, this.registry);
            observation.parentObservation(contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
            observation.start();
            return Flux.fromIterable(this.chunks)
                .doOnComplete(() -> context.setResponse(this.response))
                .doOnError(observation::error)
                .doFinally((signal) -> observation.stop());
        });
    }

    private static Generation generation(String text) {
        return new Generation(new AssistantMessage(text),
                ChatGenerationMetadata.builder().finishReason("STOP").build());
    }

    private static ChatResponse response(List<Generation> generations, Integer input, Integer output, Long cached) {
        ChatResponseMetadata.Builder metadata = ChatResponseMetadata.builder().model(MODEL);
        if (input != null) {
            metadata.usage(new DefaultUsage(input, output, input + output, null, cached, null));
        }
        return new ChatResponse(generations, metadata.build());
    }

}
