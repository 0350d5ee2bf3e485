package io.inferlens.sample.simulator;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import com.openai.models.completions.CompletionUsage;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.openai.OpenAiChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.ai.openai.OpenAiEmbeddingModel;
import org.springframework.ai.openai.OpenAiEmbeddingOptions;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.function.FunctionToolCallback;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spring AI's OpenAI client (the openai-java SDK), blocking and streaming, against the
 * simulated model over real HTTP: text, usage, tool calls a {@link ChatClient} executes,
 * and embeddings in the SDK's default base64 encoding and as floats.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "server.address=127.0.0.1",
        "gateway.simulator.latency=20ms", "gateway.simulator.model-error-rates.sim-broken=1.0" })
class SimulatorSpringAiIntegrationTests {

    private static final String SYSTEM = "You are terse.";

    private static final String QUESTION = "What is the capital of France?";

    @LocalServerPort
    private int port;

    private String baseUrl;

    private OpenAiChatModel chatModel;

    private final List<String> weatherCities = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        this.baseUrl = "http://127.0.0.1:" + this.port + "/simulator/v1";
        this.chatModel = OpenAiChatModel.builder()
            .options(OpenAiChatOptions.builder().baseUrl(this.baseUrl).apiKey("simulated").model("sim-small").build())
            .build();
    }

    @Test
    void chatModelGetsTextAndUsageWithCachedTokens() {
        ChatResponse response = this.chatModel.call(question(OpenAiChatOptions.builder().build()));
        String text = response.getResult().getOutput().getText();
        assertThat(text).startsWith("Simulated answer the model");
        assertThat(Tokens.count(text)).isEqualTo(replyTokens());
        assertThat(response.getResult().getMetadata().getFinishReason()).isEqualToIgnoringCase("stop");
        assertUsage(response.getMetadata().getUsage());
    }

    @Test
    void streamGetsTheTextInSeveralChunksAndTheUsageLast() {
        List<ChatResponse> responses = this.chatModel
            .stream(question(OpenAiChatOptions.builder().streamUsage(true).build()))
            .collectList()
            .block(Duration.ofSeconds(10));
        String text = responses.stream()
            .filter((response) -> response.getResult() != null)
            .map((response) -> response.getResult().getOutput().getText())
            .filter(Objects::nonNull)
            .collect(Collectors.joining());
        assertThat(responses).hasSizeGreaterThan(3);
        assertThat(text).isEqualTo(
                this.chatModel.call(question(OpenAiChatOptions.builder().build())).getResult().getOutput().getText());
        assertUsage(responses.get(responses.size() - 1).getMetadata().getUsage());
    }

    @Test
    void chatClientCallsTheToolWithArgumentsFromItsSchemaAndAnswersWithItsResult() {
        String text = ChatClient.create(this.chatModel)
            .prompt()
            .user("Use get_weather, please.")
            .toolCallbacks(weatherTool())
            .call()
            .content();
        assertThat(this.weatherCities).containsExactly("Paris");
        assertThat(text).isEqualTo("According to get_weather: \"Sunny in Paris\"");
    }

    @Test
    void streamingChatClientCallsTheToolWithArgumentsFromItsSchemaAndAnswersWithItsResult() {
        String text = ChatClient.create(this.chatModel)
            .prompt()
            .user("Use get_weather, please.")
            .toolCallbacks(weatherTool())
            .stream()
            .content()
            .collect(Collectors.joining())
            .block(Duration.ofSeconds(10));
        assertThat(this.weatherCities).containsExactly("Paris");
        assertThat(text).isEqualTo("According to get_weather: \"Sunny in Paris\"");
    }

    @Test
    void embeddingModelDecodesTheDefaultBase64AndFloats() {
        float[] expected = new EmbeddingRequest("sim-embed", List.of(), false, EmbeddingRequest.DEFAULT_DIMENSIONS)
            .vector(EmbeddingRequest.Input.text("Hello world!"));
        for (OpenAiEmbeddingOptions.EncodingFormat format : new OpenAiEmbeddingOptions.EncodingFormat[] { null,
                OpenAiEmbeddingOptions.EncodingFormat.FLOAT }) {
            OpenAiEmbeddingModel embeddingModel = OpenAiEmbeddingModel.builder()
                .options(OpenAiEmbeddingOptions.builder()
                    .baseUrl(this.baseUrl)
                    .apiKey("simulated")
                    .model("sim-embed")
                    .encodingFormat(format)
                    .build())
                .build();
            EmbeddingResponse response = embeddingModel.embedForResponse(List.of("Hello world!", "Good bye"));
            assertThat(response.getResults()).hasSize(2);
            assertThat(response.getResults().get(0).getOutput()).isEqualTo(expected);
            assertThat(response.getMetadata().getUsage().getPromptTokens())
                .isEqualTo(Tokens.count("Hello world!") + Tokens.count("Good bye"));
        }
    }

    private ToolCallback weatherTool() {
        return FunctionToolCallback.builder("get_weather", (WeatherRequest request) -> {
            this.weatherCities.add(request.city());
            return "Sunny in " + request.city();
        }).description("The weather in a city").inputType(WeatherRequest.class).build();
    }

    private static Prompt question(OpenAiChatOptions options) {
        return new Prompt(List.of(new SystemMessage(SYSTEM), new UserMessage(QUESTION)), options);
    }

    private static void assertUsage(Usage usage) {
        int system = Tokens.count(SYSTEM) + Tokens.PER_MESSAGE_OVERHEAD;
        int prompt = system + Tokens.count(QUESTION) + Tokens.PER_MESSAGE_OVERHEAD;
        assertThat(usage.getPromptTokens()).isEqualTo(prompt);
        assertThat(usage.getCompletionTokens()).isEqualTo(replyTokens());
        assertThat(usage.getTotalTokens()).isEqualTo(prompt + replyTokens());
        assertThat(usage.getCacheReadInputTokens()).isEqualTo(system);
        assertThat(usage.getNativeUsage()).isInstanceOfSatisfying(CompletionUsage.class,
                (completionUsage) -> assertThat(
                        completionUsage.completionTokensDetails().flatMap((details) -> details.reasoningTokens()))
                    .hasValue(0L));
    }

    private static int replyTokens() {
        return 12 + Tokens.count(QUESTION) / 2;
    }

    record WeatherRequest(String city) {

    }

}
