package io.inferlens.sample;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.langchain4j.InferlensChatModelListener;
import io.inferlens.spring.ai.SpringAiTokenCounters;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.observation.ChatModelMeterObservationHandler;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The sample's Spring AI assistant ({@code ChatClient} with a tool, blocking and
 * streamed), Spring AI's {@code EmbeddingModel} and LangChain4j's OpenAI models, all the
 * real clients over real HTTP against the app's simulated backend, observed by Inferlens
 * with no annotation: one {@code gen_ai} span, one record and one set of {@code gen_ai}
 * series per model call, the cost equal to tokens × price, time to first chunk on streams
 * only, tools as {@code execute_tool} spans and a timer by tool, and a Prometheus scrape
 * that {@code promtool check metrics} finds clean (when promtool is installed; required
 * in CI).
 * <p>
 * The app listens on a port chosen free before it starts, since Spring AI's client takes
 * its base URL ({@code http://127.0.0.1:${server.port}/simulator/v1}) when it is built.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=30ms", "spring.ai.openai.max-retries=0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import({ SpanCollectionConfiguration.class, SpringAiAssistantIntegrationTests.Records.class })
class SpringAiAssistantIntegrationTests {

    private static final int PORT = TestSocketUtils.findAvailableTcpPort();

    /** US dollars per million tokens of sim-small, as application.yml prices it. */
    private static final double INPUT_PRICE = 0.15;

    private static final double OUTPUT_PRICE = 0.60;

    private static final String PROMTOOL = "/usr/bin/promtool";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Autowired
    private InMemorySpanExporter spans;

    @Autowired
    private Records records;

    @Autowired
    private ChatModel chatModel;

    @Autowired
    private EmbeddingModel embeddingModel;

    @Autowired
    private TracedAssistant tracedAssistant;

    @Autowired
    private ChatModelMeterObservationHandler chatTokenCounter;

    @Autowired
    private InferlensChatModelListener langChain4jListener;

    @Autowired
    private StreamingChatModel langChain4jStreamingModel;

    @DynamicPropertySource
    static void port(DynamicPropertyRegistry registry) {
        registry.add("server.port", () -> PORT);
    }

    @BeforeEach
    void reset() {
        this.spans.reset();
        this.records.records.clear();
    }

    @Test
    void chatCallThroughChatClientIsOneSpanOneRecordAndPricedSeries() throws Exception {
        String before = scrape();
        String answer = post("/assistant/ask", "{\"question\":\"What is the capital of France?\"}");
        InferenceRecord record = awaitRecords(1).get(0);
        assertThat(record.source()).isEqualTo(InferenceRecord.Source.SPRING_AI);
        assertThat(record.provider()).isEqualTo("openai");
        assertThat(record.requestModel()).isEqualTo("sim-small");
        assertThat(record.responseModel()).isEqualTo("sim-small");
        assertThat(record.streaming()).isFalse();
        assertThat(record.timeToFirstChunk()).isNull();
        // the tokens Spring AI's client reported to the app are the record's
        assertThat(answer).contains("\"promptTokens\":" + record.usage().inputTokens())
            .contains("\"completionTokens\":" + record.usage().outputTokens());
        // the simulator caches every message but the last: the system prompt
        assertThat(record.usage().cacheReadInputTokens()).isPositive();
        double cost = (record.usage().inputTokens() * INPUT_PRICE + record.usage().outputTokens() * OUTPUT_PRICE)
                / 1_000_000;
        assertThat(record.cost()).isCloseTo(cost, within(1e-12));
        SpanData span = awaitModelSpans(1).get(0);
        assertThat(span.getName()).isEqualTo("chat sim-small");
        assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(span.getTraceId()).isEqualTo(record.traceId());
        assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.usage.cost"))).isCloseTo(cost,
                within(1e-12));
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"))).isNull();
        String after = scrape();
        assertThat(delta(before, after, "gen_ai_client_token_usage_sum", "gen_ai_request_model=\"sim-small\"",
                "gen_ai_token_type=\"input\""))
            .isEqualTo(record.usage().inputTokens());
        assertThat(delta(before, after, "gen_ai_client_token_usage_sum", "gen_ai_request_model=\"sim-small\"",
                "gen_ai_token_type=\"output\""))
            .isEqualTo(record.usage().outputTokens());
        assertThat(delta(before, after, "inferlens_inference_cost_usd_total", "gen_ai_request_model=\"sim-small\""))
            .isCloseTo(cost, within(1e-12));
        assertThat(delta(before, after, "gen_ai_client_operation_duration_seconds_count",
                "gen_ai_request_model=\"sim-small\""))
            .isEqualTo(1);
        // Spring AI's own counter of the same name would clash with the histogram
        assertThat(after).doesNotContain("gen_ai_client_token_usage_total");
    }

    @Test
    void streamedAnswerHasTimeToFirstChunkAndTheFinalChunksUsage() throws Exception {
        post("/assistant/ask", "{\"question\":\"Tell me about Lyon\"}");
        InferenceRecord blocking = awaitRecords(1).get(0);
        awaitModelSpans(1);
        this.records.records.clear();
        this.spans.reset();
        String before = scrape();
        String events = post("/assistant/stream", "{\"question\":\"Tell me about Lyon\"}");
        assertThat(events.split("data:")).hasSizeGreaterThan(3);
        InferenceRecord streamed = awaitRecords(1).get(0);
        assertThat(streamed.streaming()).isTrue();
        assertThat(streamed.timeToFirstChunk()).isNotNull()
            .isPositive()
            .isLessThan(streamed.duration())
            .isGreaterThanOrEqualTo(Duration.ofMillis(15));
        // the final chunk's usage: Spring AI's aggregate of the chunks drops the cached
        // tokens
        assertThat(streamed.usage().inputTokens()).isEqualTo(blocking.usage().inputTokens());
        assertThat(streamed.usage().outputTokens()).isEqualTo(blocking.usage().outputTokens());
        assertThat(streamed.usage().cacheReadInputTokens()).isEqualTo(blocking.usage().cacheReadInputTokens())
            .isPositive();
        SpanData span = awaitModelSpans(1).get(0);
        assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
            .isCloseTo(streamed.timeToFirstChunk().toNanos() / 1e9, within(1e-6));
        String after = scrape();
        assertThat(delta(before, after, "gen_ai_client_operation_time_to_first_chunk_seconds_count",
                "gen_ai_request_model=\"sim-small\""))
            .isEqualTo(1);
    }

    @Test
    void streamLeftByTheClientIsNeverCountedFreeAndTheNextStreamIsWhole() throws Exception {
        post("/assistant/ask", "{\"question\":\"Tell me about Nice\"}");
        InferenceRecord blocking = awaitRecords(1).get(0);
        this.records.records.clear();
        HttpResponse<java.util.stream.Stream<String>> response = this.http
            .send(HttpRequest.newBuilder(URI.create(url("/assistant/stream")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"question\":\"Tell me about Nice\"}"))
                .build(), HttpResponse.BodyHandlers.ofLines());
        try (java.util.stream.Stream<String> lines = response.body()) {
            assertThat(lines.filter((line) -> line.startsWith("data:")).findFirst()).isPresent();
        }
        InferenceRecord first = awaitRecords(1).get(0);
        // The server may have written the whole stream before it saw the client go: the
        // call is then whole. Either way its tokens are never zero, nor its cost free.
        if (first.usage().hasTokens()) {
            assertThat(first.usage().inputTokens()).isEqualTo(blocking.usage().inputTokens());
            assertThat(first.cost()).isEqualTo(blocking.cost());
        }
        else {
            assertThat(first.cancelled()).isTrue();
            assertThat(first.hasCost()).isFalse();
        }
        this.records.records.clear();
        post("/assistant/stream", "{\"question\":\"Tell me about Nice\"}");
        InferenceRecord whole = awaitRecords(1).get(0);
        assertThat(whole.usage().inputTokens()).isEqualTo(blocking.usage().inputTokens());
        assertThat(whole.usage().outputTokens()).isEqualTo(blocking.usage().outputTokens());
        assertThat(whole.cost()).isEqualTo(blocking.cost());
    }

    @Test
    void toolCallIsAnExecuteToolSpanAndEachModelCallIsCountedOnce() throws Exception {
        String before = scrape();
        String answer = post("/assistant/ask", "{\"question\":\"What is the current_weather in Paris?\"}");
        assertThat(answer).contains("Sunny and 21 degrees in Paris");
        List<InferenceRecord> records = awaitRecords(2);
        // the ChatClient adds up the usage of both rounds; the records, one per round,
        // add up to the same
        long input = records.stream().mapToLong((record) -> record.usage().inputTokens()).sum();
        long output = records.stream().mapToLong((record) -> record.usage().outputTokens()).sum();
        assertThat(answer).contains("\"promptTokens\":" + input).contains("\"completionTokens\":" + output);
        assertThat(records).extracting((record) -> record.usage().finishReasons())
            .containsExactly(List.of("TOOL_CALLS"), List.of("STOP"));
        awaitModelSpans(2);
        SpanData tool = this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().startsWith("execute_tool"))
            .findFirst()
            .orElseThrow();
        assertThat(tool.getName()).isEqualTo("execute_tool current_weather");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("current_weather");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id"))).startsWith("call_");
        String after = scrape();
        assertThat(delta(before, after, "inferlens_tool_duration_seconds_count", "gen_ai_tool_name=\"current_weather\"",
                "error_type=\"\""))
            .isEqualTo(1);
        assertThat(delta(before, after, "gen_ai_client_operation_duration_seconds_count",
                "gen_ai_request_model=\"sim-small\""))
            .isEqualTo(2);
    }

    @Test
    void embeddingCallIsRecordedAndPriced() {
        float[] vector = this.embeddingModel.embed("Inferlens observes every model call");
        assertThat(vector).isNotEmpty();
        InferenceRecord record = awaitRecords(1).get(0);
        assertThat(record.operation()).isEqualTo("embeddings");
        assertThat(record.requestModel()).isEqualTo("sim-embed");
        assertThat(record.usage().inputTokens()).isEqualTo(5);
        assertThat(record.cost()).isCloseTo(5 * 0.02 / 1_000_000, within(1e-15));
    }

    @Test
    void annotatedMethodAroundSpringAiGivesOneGenAiSpanAndOneRecord() {
        this.tracedAssistant.ask("What is the capital of Italy?");
        InferenceRecord record = awaitRecords(1).get(0);
        assertThat(record.source()).isEqualTo(InferenceRecord.Source.SPRING_AI);
        Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> this.spans.getFinishedSpanItems()
                .stream()
                .anyMatch((span) -> span.getName().equals("TracedAssistant.ask")));
        assertThat(genAiSpans()).singleElement()
            .satisfies((span) -> assertThat(span.getName()).isEqualTo("chat sim-small"));
        SpanData enclosing = this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals("TracedAssistant.ask"))
            .findFirst()
            .orElseThrow();
        assertThat(enclosing.getAttributes().get(AttributeKey.longKey("inferlens.inference.model_calls"))).isEqualTo(1);
        assertThat(genAiSpans().get(0).getParentSpanId()).isEqualTo(enclosing.getSpanId());
        assertThat(this.records.records).hasSize(1);
    }

    @Test
    void langChain4jModelsAreObservedThroughTheListener() throws Exception {
        String baseUrl = "http://127.0.0.1:" + PORT + "/simulator/v1";
        OpenAiChatModel model = OpenAiChatModel.builder()
            .baseUrl(baseUrl)
            .apiKey("simulated")
            .modelName("sim-small")
            .listeners(List.of(this.langChain4jListener))
            .build();
        assertThat(model.chat("Hello there")).isNotBlank();
        InferenceRecord record = awaitRecords(1).get(0);
        assertThat(record.source()).isEqualTo(InferenceRecord.Source.LANGCHAIN4J);
        assertThat(record.provider()).isEqualTo("openai");
        assertThat(record.cost()).isCloseTo(
                (record.usage().inputTokens() * INPUT_PRICE + record.usage().outputTokens() * OUTPUT_PRICE) / 1_000_000,
                within(1e-12));
        assertThat(awaitModelSpans(1).get(0).getName()).isEqualTo("chat sim-small");
        this.records.records.clear();
        // a bean, as a LangChain4j Spring Boot starter makes it: its partial responses
        // are
        // watched
        StreamingChatModel streaming = this.langChain4jStreamingModel;
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat("Hello there", new StreamingChatResponseHandler() {

            @Override
            public void onPartialResponse(String partialResponse) {
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

        });
        ChatResponse response = done.get(10, TimeUnit.SECONDS);
        InferenceRecord streamed = awaitRecords(1).get(0);
        assertThat(streamed.streaming()).isTrue();
        assertThat(streamed.usage().inputTokens()).isEqualTo(response.tokenUsage().inputTokenCount().longValue());
        assertThat(streamed.timeToFirstChunk()).isNotNull()
            .isGreaterThanOrEqualTo(Duration.ofMillis(15))
            .isLessThan(streamed.duration());
    }

    @Test
    void scrapeWithSpringAiAndInferlensMetersIsCleanForPromtool() throws Exception {
        post("/assistant/ask", "{\"question\":\"What is the current_weather in Rome?\"}");
        post("/assistant/stream", "{\"question\":\"Hello\"}");
        this.embeddingModel.embed("hello");
        awaitRecords(4);
        String scrape = scrape();
        // Spring AI's token counter handler gave way to Inferlens' stand-in
        assertThat(this.chatTokenCounter).isInstanceOf(SpringAiTokenCounters.Chat.class);
        // Spring AI's own timer and Inferlens' histograms, side by side
        assertThat(scrape).contains("gen_ai_client_operation_seconds_count")
            .contains("gen_ai_client_token_usage_bucket")
            .contains("spring_ai_tool_seconds_count");
        boolean installed = new File(PROMTOOL).canExecute();
        if (!installed && "required".equals(System.getenv("INFERLENS_PROMETHEUS_TESTS"))) {
            throw new IllegalStateException(PROMTOOL + " is required: apt-get install prometheus");
        }
        if (!installed) {
            return;
        }
        Process promtool = new ProcessBuilder(PROMTOOL, "check", "metrics").redirectErrorStream(true).start();
        promtool.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String report = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        List<String> problems = report.lines()
            .filter((line) -> !line.isBlank())
            .filter((line) -> !GatewayPrometheusIntegrationTests.MICROMETER_NAMING.contains(line.trim()))
            .toList();
        assertThat(problems).isEmpty();
    }

    private List<SpanData> genAiSpans() {
        return this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> "chat".equals(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name")))
                    || "embeddings".equals(span.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))))
            .toList();
    }

    private List<SpanData> awaitModelSpans(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> genAiSpans().size() >= count);
        return genAiSpans();
    }

    private List<InferenceRecord> awaitRecords(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> this.records.records.size() >= count);
        assertThat(this.records.records).hasSize(count);
        return new ArrayList<>(this.records.records);
    }

    private String post(String path, String json) throws Exception {
        HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .timeout(Duration.ofSeconds(30))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private String scrape() throws Exception {
        return this.http
            .send(HttpRequest.newBuilder(URI.create(url("/actuator/prometheus"))).build(),
                    HttpResponse.BodyHandlers.ofString())
            .body();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + PORT + path;
    }

    /**
     * How much the samples of a series grew between two scrapes: the sum of the values of
     * the lines of the given name whose labels contain every given fragment.
     */
    private static double delta(String before, String after, String name, String... labels) {
        return sum(after, name, labels) - sum(before, name, labels);
    }

    private static double sum(String scrape, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)", Pattern.MULTILINE);
        Matcher matcher = line.matcher(scrape);
        double sum = 0;
        while (matcher.find()) {
            String found = matcher.group(1);
            boolean all = true;
            for (String label : labels) {
                all &= found.contains(label);
            }
            if (all) {
                sum += Double.parseDouble(matcher.group(2));
            }
        }
        return sum;
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Records {

        final List<InferenceRecord> records = new CopyOnWriteArrayList<>();

        @Bean
        InferenceRecordListener collectingListener() {
            return this.records::add;
        }

        @Bean
        OpenAiStreamingChatModel langChain4jStreamingModel(InferlensChatModelListener listener) {
            return OpenAiStreamingChatModel.builder()
                .baseUrl("http://127.0.0.1:" + PORT + "/simulator/v1")
                .apiKey("simulated")
                .modelName("sim-small")
                .listeners(List.of(listener))
                .build();
        }

        @Bean
        TracedAssistant tracedAssistant(ChatModel chatModel) {
            return new TracedAssistant(chatModel);
        }

    }

    /**
     * A Spring AI call inside a {@code @TracedInference} method: the layer nearest the
     * wire, Spring AI's observation, is the one counted.
     */
    static class TracedAssistant {

        private final ChatModel chatModel;

        TracedAssistant(ChatModel chatModel) {
            this.chatModel = chatModel;
        }

        @TracedInference(model = "sim-small")
        public String ask(String question) {
            return this.chatModel.call(new Prompt(question)).getResult().getOutput().getText();
        }

    }

}
