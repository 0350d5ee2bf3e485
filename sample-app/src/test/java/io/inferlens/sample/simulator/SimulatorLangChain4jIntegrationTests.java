package io.inferlens.sample.simulator;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiTokenUsage;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's OpenAI client, blocking and streaming, against the simulated model over
 * real HTTP: text, token usage with its cached and reasoning details, and a tool call
 * round trip.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "gateway.simulator.latency=20ms", "gateway.simulator.model-error-rates.sim-broken=1.0" })
class SimulatorLangChain4jIntegrationTests {

    private static final String SYSTEM = "You are terse.";

    private static final String QUESTION = "What is the capital of France?";

    private static final String TOOL_QUESTION = "Use get_weather, please.";

    private static final String TOOL_RESULT = "Sunny, 21 degrees";

    private static final ToolSpecification WEATHER = ToolSpecification.builder()
        .name("get_weather")
        .description("The weather in a city")
        .parameters(JsonObjectSchema.builder()
            .addStringProperty("city")
            .addIntegerProperty("days")
            .required("city")
            .build())
        .build();

    @LocalServerPort
    private int port;

    private String baseUrl;

    @BeforeEach
    void setUp() {
        this.baseUrl = "http://127.0.0.1:" + this.port + "/simulator/v1";
    }

    @Test
    void chatModelGetsTextAndUsageWithCachedTokens() {
        ChatResponse response = chatModel("sim-small").chat(question());
        String text = response.aiMessage().text();
        assertThat(text).startsWith("Simulated answer the model");
        assertThat(Tokens.count(text)).isEqualTo(replyTokens());
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(response.id()).startsWith("chatcmpl-");
        assertThat(response.modelName()).isEqualTo("sim-small");
        assertUsage(response, replyTokens(), 0);
    }

    @Test
    void chatModelGetsReasoningTokensOfAReasoningModel() {
        ChatResponse response = chatModel("sim-reasoner").chat(question());
        assertThat(Tokens.count(response.aiMessage().text())).isEqualTo(replyTokens());
        assertUsage(response, 3 * replyTokens(), 2 * replyTokens());
    }

    @Test
    void streamingChatModelGetsTheTextInSeveralPartsAndTheUsage() throws Exception {
        List<String> parts = new CopyOnWriteArrayList<>();
        ChatResponse response = stream(question(), parts, new CopyOnWriteArrayList<>());
        assertThat(parts).hasSizeGreaterThan(2);
        assertThat(String.join("", parts)).isEqualTo(response.aiMessage().text());
        assertThat(response.aiMessage().text()).startsWith("Simulated answer the model")
            .isEqualTo(chatModel("sim-small").chat(question()).aiMessage().text());
        assertThat(response.finishReason()).isEqualTo(FinishReason.STOP);
        assertUsage(response, replyTokens(), 0);
    }

    @Test
    void toolCallRoundTrip() {
        OpenAiChatModel model = chatModel("sim-small");
        UserMessage question = UserMessage.from(TOOL_QUESTION);
        ChatResponse call = model.chat(ChatRequest.builder().messages(question).toolSpecifications(WEATHER).build());
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        AiMessage toolCall = call.aiMessage();
        assertToolCall(toolCall);
        ChatResponse answer = model.chat(ChatRequest.builder()
            .messages(question, toolCall,
                    ToolExecutionResultMessage.from(toolCall.toolExecutionRequests().get(0), TOOL_RESULT))
            .toolSpecifications(WEATHER)
            .build());
        assertToolAnswer(answer);
    }

    @Test
    void streamedToolCallRoundTrip() throws Exception {
        UserMessage question = UserMessage.from(TOOL_QUESTION);
        List<CompleteToolCall> completeCalls = new CopyOnWriteArrayList<>();
        ChatResponse call = stream(ChatRequest.builder().messages(question).toolSpecifications(WEATHER).build(),
                new CopyOnWriteArrayList<>(), completeCalls);
        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        AiMessage toolCall = call.aiMessage();
        assertToolCall(toolCall);
        assertThat(completeCalls).singleElement()
            .satisfies((complete) -> assertThat(complete.toolExecutionRequest())
                .isEqualTo(toolCall.toolExecutionRequests().get(0)));
        ChatResponse answer = stream(ChatRequest.builder()
            .messages(question, toolCall,
                    ToolExecutionResultMessage.from(toolCall.toolExecutionRequests().get(0), TOOL_RESULT))
            .toolSpecifications(WEATHER)
            .build(), new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
        assertToolAnswer(answer);
    }

    @Test
    void failingModelIsAnErrorForTheStreamingHandler() {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streamingChatModel("sim-broken").chat(question(), handler(done, List.of(), List.of()));
        assertThat(done).failsWithin(10, TimeUnit.SECONDS)
            .withThrowableThat()
            .havingRootCause()
            .withMessageContaining("overloaded");
    }

    private static void assertToolCall(AiMessage toolCall) {
        assertThat(toolCall.text()).isNull();
        assertThat(toolCall.toolExecutionRequests()).singleElement().satisfies((request) -> {
            assertThat(request.id()).matches("call_[0-9a-f]{24}");
            assertThat(request.name()).isEqualTo("get_weather");
            assertThat(request.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        });
    }

    private static void assertToolAnswer(ChatResponse answer) {
        assertThat(answer.aiMessage().text()).isEqualTo("According to get_weather: " + TOOL_RESULT);
        assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
        int question = message(TOOL_QUESTION);
        int toolCall = message("") + Tokens.count("get_weather") + Tokens.count("{\"city\":\"Paris\"}");
        OpenAiTokenUsage usage = (OpenAiTokenUsage) answer.tokenUsage();
        assertThat(usage.inputTokenCount()).isEqualTo(question + toolCall + message(TOOL_RESULT));
        assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(question + toolCall);
        assertThat(usage.outputTokenCount()).isEqualTo(Tokens.count("According to get_weather: " + TOOL_RESULT));
    }

    private static void assertUsage(ChatResponse response, int completionTokens, int reasoningTokens) {
        OpenAiTokenUsage usage = (OpenAiTokenUsage) response.tokenUsage();
        assertThat(usage.inputTokenCount()).isEqualTo(message(SYSTEM) + message(QUESTION));
        assertThat(usage.inputTokensDetails().cachedTokens()).isEqualTo(message(SYSTEM));
        assertThat(usage.outputTokenCount()).isEqualTo(completionTokens);
        assertThat(usage.outputTokensDetails().reasoningTokens()).isEqualTo(reasoningTokens);
        assertThat(usage.totalTokenCount()).isEqualTo(usage.inputTokenCount() + completionTokens);
    }

    private static int replyTokens() {
        return 12 + Tokens.count(QUESTION) / 2;
    }

    private static int message(String text) {
        return Tokens.count(text) + Tokens.PER_MESSAGE_OVERHEAD;
    }

    private static ChatRequest question() {
        List<ChatMessage> messages = List.of(SystemMessage.from(SYSTEM), UserMessage.from(QUESTION));
        return ChatRequest.builder().messages(messages).build();
    }

    private OpenAiChatModel chatModel(String model) {
        return OpenAiChatModel.builder().baseUrl(this.baseUrl).apiKey("simulated").modelName(model).build();
    }

    private OpenAiStreamingChatModel streamingChatModel(String model) {
        return OpenAiStreamingChatModel.builder().baseUrl(this.baseUrl).apiKey("simulated").modelName(model).build();
    }

    private ChatResponse stream(ChatRequest request, List<String> parts, List<CompleteToolCall> toolCalls)
            throws Exception {
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streamingChatModel("sim-small").chat(request, handler(done, parts, toolCalls));
        return done.get(10, TimeUnit.SECONDS);
    }

    private static StreamingChatResponseHandler handler(CompletableFuture<ChatResponse> done, List<String> parts,
            List<CompleteToolCall> toolCalls) {
        return new StreamingChatResponseHandler() {

            @Override
            public void onPartialResponse(String part) {
                parts.add(part);
            }

            @Override
            public void onCompleteToolCall(CompleteToolCall toolCall) {
                toolCalls.add(toolCall);
            }

            @Override
            public void onCompleteResponse(ChatResponse response) {
                done.complete(response);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

        };
    }

}
