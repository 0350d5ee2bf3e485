package io.inferlens.langchain4j;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import io.inferlens.inference.CacheMetrics;
import io.inferlens.inference.ContentCapture;
import io.inferlens.inference.Inference;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.inference.TokenUsage;
import io.inferlens.inference.TokenUsageExtractors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tests for {@link InferlensChatModelListener} without an application context: the real
 * LangChain4j OpenAI chat models, over HTTP to an {@link OpenAiStandIn}, observed by an
 * {@link InferenceRecorder}. The listener must never break the call it observes.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class InferlensChatModelListenerTests {

    private static final String LANGCHAIN4J_LISTENER_WARNING = "An exception occurred during the invocation of the chat model listener";

    private final ObservationRegistry registry = ObservationRegistry.create();

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final List<InferenceObservationContext> stopped = new CopyOnWriteArrayList<>();

    private final InferenceRecorder recorder = new InferenceRecorder(this.registry, null,
            new TokenUsageExtractors(TokenUsageExtractors.builtIn()), ContentCapture.DISABLED, "default-provider",
            CacheMetrics.NONE);

    private final InferlensChatModelListener listener = new InferlensChatModelListener(this.recorder);

    private OpenAiStandIn backend;

    @BeforeEach
    void startBackend() throws IOException {
        this.backend = OpenAiStandIn.start();
        this.registry.observationConfig()
            .observationHandler(new InferenceMeterObservationHandler(this.meters))
            .observationHandler(new Stopped());
    }

    @AfterEach
    void stopBackend() {
        this.backend.close();
    }

    @Test
    void chatModelCallIsOneObservationWithTheUsageModelsAndFinishReasonOfTheResponse() {
        String answer = chatModel(this.listener).chat("Hello");
        assertThat(answer).isEqualTo("Hello there");
        assertThat(this.stopped).singleElement().satisfies((context) -> {
            assertThat(context.getOperationName()).isEqualTo("chat");
            assertThat(context.getProvider()).isEqualTo("openai");
            assertThat(context.getRequestModel()).isEqualTo("sim-large");
            assertThat(context.getUsage()).isEqualTo(new TokenUsage(OpenAiStandIn.INPUT_TOKENS,
                    OpenAiStandIn.OUTPUT_TOKENS, OpenAiStandIn.CACHED_TOKENS, "sim-large-2026-01", List.of("stop")));
            assertThat(context.isStreaming()).isFalse();
            assertThat(context.getError()).isNull();
        });
        assertThat(this.meters.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
    }

    @Test
    void streamingChatModelCallIsMarkedStreamedButHasNoTimeToFirstChunk() throws Exception {
        ChatResponse response = OpenAiStandIn.stream(streamingChatModel(this.listener)).get(10, TimeUnit.SECONDS);
        assertThat(response.aiMessage().text()).isEqualTo("Hello there");
        assertThat(this.stopped).singleElement().satisfies((context) -> {
            assertThat(context.getProvider()).isEqualTo("openai");
            assertThat(context.getRequestModel()).isEqualTo("sim-large");
            assertThat(context.getUsage()).isEqualTo(new TokenUsage(OpenAiStandIn.INPUT_TOKENS,
                    OpenAiStandIn.OUTPUT_TOKENS, OpenAiStandIn.CACHED_TOKENS, "sim-large-2026-01", List.of("length")));
            assertThat(context.isStreaming()).isTrue();
            // LangChain4j does not tell listeners of partial responses
            assertThat(context.getTimeToFirstChunkNanos()).isEqualTo(-1);
        });
    }

    @Test
    void failedCallRecordsTheErrorThatStillReachesTheCaller() {
        this.backend.failWith(500);
        ChatModel model = chatModel(this.listener);
        assertThatThrownBy(() -> model.chat("Hello")).satisfies((thrown) -> assertThat(this.stopped).singleElement()
            .satisfies((context) -> assertThat(context.getError()).isSameAs(thrown)));
        assertThat(this.backend.requests()).isEqualTo(1);
    }

    @Test
    void failedStreamingCallRecordsTheErrorThatStillReachesTheHandler() {
        this.backend.failWith(500);
        CompletableFuture<ChatResponse> response = OpenAiStandIn.stream(streamingChatModel(this.listener));
        assertThatThrownBy(() -> response.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
            .satisfies((thrown) -> assertThat(this.stopped).singleElement().satisfies((context) -> {
                assertThat(context.getError()).isSameAs(thrown.getCause());
                assertThat(context.isStreaming()).isTrue();
            }));
    }

    @Test
    void callHasTheCallersObservationAsParent() {
        Observation caller = Observation.start("caller", this.registry);
        try (Observation.Scope scope = caller.openScope()) {
            chatModel(this.listener).chat("Hello");
        }
        finally {
            caller.stop();
        }
        assertThat(this.stopped).singleElement()
            .satisfies((context) -> assertThat(context.getParentObservation()).isSameAs(caller));
        assertThat(this.registry.getCurrentObservation()).isNull();
    }

    @Test
    void modelWithTheListenerTwiceIsObservedOnce() {
        InferlensChatModelListener other = new InferlensChatModelListener(this.recorder);
        chatModel(this.listener, other, this.listener).chat("Hello");
        assertThat(this.stopped).singleElement()
            .satisfies((context) -> assertThat(context.getUsage().inputTokens()).isEqualTo(OpenAiStandIn.INPUT_TOKENS));
    }

    @Test
    void brokenRecorderNeverReachesLangChain4jAndIsLoggedOnce(CapturedOutput output) {
        InferlensChatModelListener listener = new InferlensChatModelListener(new BrokenRecorder(this.registry));
        ChatModel model = chatModel(listener);
        assertThat(model.chat("Hello")).isEqualTo("Hello there");
        assertThat(model.chat("Hello again")).isEqualTo("Hello there");
        assertThat(this.stopped).isEmpty();
        assertThat(output).doesNotContain(LANGCHAIN4J_LISTENER_WARNING);
        assertThat(output.toString().split("further failures are logged at DEBUG", -1)).hasSize(2);
        assertThat(output).contains("Failed to start the observation of a LangChain4j chat model call");
    }

    @Test
    void failureReadingTheResponseIsSwallowedAndTheCallStillStops() {
        Map<Object, Object> attributes = new HashMap<>();
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hello")).modelName("sim-large").build();
        this.listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OPEN_AI, attributes));
        ChatModelResponseContext broken = new ChatModelResponseContext(response(null, null), request,
                ModelProvider.OPEN_AI, attributes) {

            @Override
            public ChatResponse chatResponse() {
                throw new IllegalStateException("broken response");
            }

        };
        assertThatNoException().isThrownBy(() -> this.listener.onResponse(broken));
        assertThat(this.stopped).singleElement()
            .satisfies((context) -> assertThat(context.getUsage()).isEqualTo(TokenUsage.NONE));
        assertThat(attributes).isEmpty();
    }

    @Test
    void responseOrErrorOfACallThatWasNotObservedIsIgnored() {
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hello")).build();
        assertThatNoException().isThrownBy(() -> {
            this.listener.onResponse(new ChatModelResponseContext(response(null, null), request, ModelProvider.OPEN_AI,
                    new HashMap<>()));
            this.listener.onError(new ChatModelErrorContext(new IllegalStateException("failed"), request,
                    ModelProvider.OPEN_AI, new HashMap<>()));
        });
        assertThat(this.stopped).isEmpty();
    }

    @Test
    void modelWithoutProviderIsCountedUnderTheDefaultProvider() {
        Map<Object, Object> attributes = new HashMap<>();
        ChatRequest request = ChatRequest.builder().messages(UserMessage.from("Hello")).build();
        this.listener.onRequest(new ChatModelRequestContext(request, null, attributes));
        this.listener
            .onError(new ChatModelErrorContext(new IllegalStateException("failed"), request, null, attributes));
        assertThat(this.stopped).singleElement().satisfies((context) -> {
            assertThat(context.getProvider()).isEqualTo("default-provider");
            assertThat(context.getRequestModel()).isNull();
            assertThat(context.getErrorType()).isEqualTo(IllegalStateException.class.getName());
        });
    }

    @ParameterizedTest
    @CsvSource({ "OPEN_AI, openai", "ANTHROPIC, anthropic", "GOOGLE_AI_GEMINI, gcp.gemini",
            "GOOGLE_VERTEX_AI_GEMINI, gcp.vertex_ai", "GOOGLE_VERTEX_AI_ANTHROPIC, gcp.vertex_ai",
            "GOOGLE_GENAI, gcp.gen_ai", "AZURE_OPEN_AI, azure.ai.openai", "MICROSOFT_FOUNDRY, azure.ai.inference",
            "AMAZON_BEDROCK, aws.bedrock", "MISTRAL_AI, mistral_ai", "WATSONX, ibm.watsonx.ai", "COHERE, cohere",
            "OLLAMA, ollama", "GITHUB_MODELS, github_models", "VOYAGE_AI, voyage_ai", "JINA, jina", "OTHER, other" })
    void providerIsNamedAsTheGenAiConventionsDo(ModelProvider provider, String name) {
        assertThat(ProviderNames.of(provider)).isEqualTo(name);
    }

    @ParameterizedTest
    @EnumSource(ModelProvider.class)
    void everyProviderHasAName(ModelProvider provider) {
        assertThat(ProviderNames.of(provider)).isNotBlank();
    }

    @ParameterizedTest
    @CsvSource({ "STOP, stop", "LENGTH, length", "TOOL_EXECUTION, tool_calls", "CONTENT_FILTER, content_filter",
            "OTHER, other" })
    void finishReasonIsSpelledAsOpenAiDoes(FinishReason finishReason, String name) {
        assertThat(ChatResponseUsage.of(response(finishReason, null)).finishReasons()).containsExactly(name);
    }

    @Test
    void usageOfAResponseWithoutTokensOrFinishReasonIsUnknown() {
        assertThat(ChatResponseUsage.of(response(null, null))).isEqualTo(new TokenUsage(TokenUsage.UNKNOWN,
                TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, "sim-large-2026-01", List.of()));
    }

    @Test
    void cachedInputTokensAreReadFromOpenAiUsageOnly() {
        OpenAiTokenUsage openAi = OpenAiTokenUsage.builder()
            .inputTokenCount(10)
            .outputTokenCount(2)
            .inputTokensDetails(OpenAiTokenUsage.InputTokensDetails.builder().cachedTokens(4).build())
            .build();
        assertThat(ChatResponseUsage.of(response(null, openAi)).cacheReadInputTokens()).isEqualTo(4);
        OpenAiTokenUsage withoutDetails = OpenAiTokenUsage.builder().inputTokenCount(10).outputTokenCount(2).build();
        assertThat(ChatResponseUsage.of(response(null, withoutDetails)).cacheReadInputTokens())
            .isEqualTo(TokenUsage.UNKNOWN);
        TokenUsage plain = ChatResponseUsage.of(response(null, new dev.langchain4j.model.output.TokenUsage(10, 2)));
        assertThat(plain).isEqualTo(new TokenUsage(10, 2, TokenUsage.UNKNOWN, "sim-large-2026-01", List.of()));
    }

    private ChatModel chatModel(ChatModelListener... listeners) {
        return OpenAiChatModel.builder()
            .baseUrl(this.backend.baseUrl())
            .apiKey("test-key")
            .modelName("sim-large")
            .maxRetries(0)
            .listeners(List.of(listeners))
            .build();
    }

    private StreamingChatModel streamingChatModel(ChatModelListener... listeners) {
        return OpenAiStreamingChatModel.builder()
            .baseUrl(this.backend.baseUrl())
            .apiKey("test-key")
            .modelName("sim-large")
            .listeners(List.of(listeners))
            .build();
    }

    private static ChatResponse response(@Nullable FinishReason finishReason,
            dev.langchain4j.model.output.@Nullable TokenUsage usage) {
        return ChatResponse.builder()
            .aiMessage(AiMessage.from("Hello there"))
            .metadata(ChatResponseMetadata.builder()
                .modelName("sim-large-2026-01")
                .finishReason(finishReason)
                .tokenUsage(usage)
                .build())
            .build();
    }

    /**
     * Collects the contexts of the model calls that stopped; supports every context, so
     * that a caller's observation is not a no-op.
     */
    private final class Stopped implements ObservationHandler<Observation.Context> {

        @Override
        public void onStop(Observation.Context context) {
            if (context instanceof InferenceObservationContext inference) {
                InferlensChatModelListenerTests.this.stopped.add(inference);
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return true;
        }

    }

    /**
     * A recorder that fails to start any call.
     */
    private static final class BrokenRecorder extends InferenceRecorder {

        BrokenRecorder(ObservationRegistry registry) {
            super(registry, null, new TokenUsageExtractors(List.of()), ContentCapture.DISABLED, "openai",
                    CacheMetrics.NONE);
        }

        @Override
        public Inference start(String operation, @Nullable String provider, @Nullable String model,
                InferenceRecord.Source source) {
            throw new IllegalStateException("broken recorder");
        }

    }

}
