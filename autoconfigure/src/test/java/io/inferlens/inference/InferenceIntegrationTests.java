package io.inferlens.inference;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.inferlens.annotation.ConversationId;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.autoconfigure.errors.ErrorsAutoConfiguration;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code @TracedInference} methods and the {@link InferenceRecorder} in an application
 * context with Boot's own observation, metrics and OpenTelemetry tracing
 * auto-configurations; spans collected by the OpenTelemetry SDK's in-memory exporter.
 * Attribute and metric names are asserted exactly as the GenAI semantic conventions v1.41
 * spell them.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class InferenceIntegrationTests {

    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("gen_ai.operation.name");

    private static final AttributeKey<String> PROVIDER = AttributeKey.stringKey("gen_ai.provider.name");

    private static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");

    private static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");

    private static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");

    private static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");

    private static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey
        .longKey("gen_ai.usage.cache_read.input_tokens");

    private static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey
        .stringArrayKey("gen_ai.response.finish_reasons");

    private static final AttributeKey<String> CONVERSATION_ID = AttributeKey.stringKey("gen_ai.conversation.id");

    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, AopAutoConfiguration.class,
                        TracedAutoConfiguration.class, InferenceAutoConfiguration.class, ErrorsAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0", "inferlens.pricing.models.sim-large.input=3",
                "inferlens.pricing.models.sim-large.output=15", "inferlens.pricing.models.sim-large.cached-input=0.3",
                "inferlens.pricing.models.sim-small.input=0.15", "inferlens.pricing.models.sim-small.output=0.6")
        .withUserConfiguration(SpanCollection.class, Models.class);

    @Test
    void chatCallIsAClientSpanNamedAfterOperationAndModelWithGenAiAttributes() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).chat(new ChatRequest("sim-large", "hello"), "conv-1");
            SpanData span = span(context, "chat sim-large");
            assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
            assertThat(span.getAttributes().get(OPERATION)).isEqualTo("chat");
            assertThat(span.getAttributes().get(PROVIDER)).isEqualTo("openai");
            assertThat(span.getAttributes().get(REQUEST_MODEL)).isEqualTo("sim-large");
            assertThat(span.getAttributes().get(RESPONSE_MODEL)).isEqualTo("sim-large-2026-01");
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(1200L);
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(300L);
            assertThat(span.getAttributes().get(CACHE_READ_TOKENS)).isEqualTo(200L);
            assertThat(span.getAttributes().get(FINISH_REASONS)).containsExactly("stop");
            assertThat(span.getAttributes().get(CONVERSATION_ID)).isEqualTo("conv-1");
            assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
            assertThat(span.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
                .doesNotContain("gen_ai.system", "gen_ai.input.messages", "gen_ai.output.messages");
        });
    }

    @Test
    void chatCallRecordsDurationAndTokenHistogramsWithSemanticConventionBuckets() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).chat(new ChatRequest("sim-large", "hello"), "conv-1");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            Timer duration = meters.get("gen_ai.client.operation.duration")
                .tag("gen_ai.operation.name", "chat")
                .tag("gen_ai.provider.name", "openai")
                .tag("gen_ai.request.model", "sim-large")
                .tag("gen_ai.response.model", "sim-large-2026-01")
                .tag("error.type", "")
                .timer();
            assertThat(duration.count()).isEqualTo(1);
            assertThat(Arrays.stream(duration.takeSnapshot().histogramCounts())
                .mapToDouble((bucket) -> bucket.bucket(TimeUnit.SECONDS))).containsExactly(0.01, 0.02, 0.04, 0.08, 0.16,
                        0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
            DistributionSummary input = meters.get("gen_ai.client.token.usage")
                .tag("gen_ai.token.type", "input")
                .tag("gen_ai.request.model", "sim-large")
                .summary();
            DistributionSummary output = meters.get("gen_ai.client.token.usage")
                .tag("gen_ai.token.type", "output")
                .tag("gen_ai.request.model", "sim-large")
                .summary();
            assertThat(input.count()).isEqualTo(1);
            assertThat(input.totalAmount()).isEqualTo(1200);
            assertThat(output.totalAmount()).isEqualTo(300);
            assertThat(Arrays.stream(input.takeSnapshot().histogramCounts()).mapToDouble(CountAtBucket::bucket))
                .containsExactly(1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0,
                        4194304.0, 16777216.0, 67108864.0);
            assertThat(meters.find("gen_ai.client.operation.time_to_first_chunk").timer()).isNull();
        });
    }

    @Test
    void costIsPricedPerMillionTokensWithCachedInputAtItsOwnPrice() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).chat(new ChatRequest("sim-large", "hello"), null);
            context.getBean(ModelService.class).chat(new ChatRequest("sim-large", "again"), null);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            // (1000 uncached x $3 + 200 cached x $0.30 + 300 output x $15) per million
            double perCall = (1000 * 3 + 200 * 0.3 + 300 * 15) / 1_000_000.0;
            // tagged as the token series it joins
            assertThat(meters.get("inferlens.inference.cost")
                .tag("gen_ai.operation.name", "chat")
                .tag("gen_ai.request.model", "sim-large")
                .tag("gen_ai.provider.name", "openai")
                .counter()
                .count()).isCloseTo(2 * perCall, within(1e-12));
            assertThat(meters.get("inferlens.inference.cost").counter().getId().getTag("error.type")).isNull();
            assertThat(meters.get("inferlens.inference.cost").counter().getId().getBaseUnit()).isEqualTo("usd");
        });
    }

    @Test
    void modelWithNoPriceRecordsTokensButNoCostAndIsWarnedAboutOnce(CapturedOutput output) {
        this.contextRunner.run((context) -> {
            ModelService service = context.getBean(ModelService.class);
            service.chat(new ChatRequest("mystery-model", "hello"), null);
            service.chat(new ChatRequest("mystery-model", "hello"), null);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("gen_ai.client.token.usage")
                .tag("gen_ai.request.model", "mystery-model")
                .tag("gen_ai.token.type", "input")
                .summary()
                .totalAmount()).isEqualTo(2400);
            assertThat(meters.find("inferlens.inference.cost").counters()).isEmpty();
            assertThat(output.getOut().split("Model 'mystery-model' has no price", -1)).hasSize(2);
        });
    }

    @Test
    void failedCallIsAnErrorSpanWithErrorTypeAndIsCounted() {
        this.contextRunner.run((context) -> {
            assertThatThrownBy(() -> context.getBean(ModelService.class).fail())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("backend down");
            SpanData span = span(context, "chat sim-large");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo("java.lang.IllegalStateException");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("gen_ai.client.operation.duration")
                .tag("error.type", "java.lang.IllegalStateException")
                .timer()
                .count()).isEqualTo(1);
            assertThat(meters.get("inferlens.errors")
                .tag("error.type", "java.lang.IllegalStateException")
                .tag("operation", "chat")
                .counter()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void mapResponseOfAnEmbeddingsCallIsRead() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).embed("some text");
            SpanData span = span(context, "embeddings text-embed");
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(7L);
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isNull();
            assertThat(span.getAttributes().get(RESPONSE_MODEL)).isEqualTo("text-embed-v3");
        });
    }

    @Test
    void completionStageIsObservedUntilItCompletes() {
        this.contextRunner.run((context) -> {
            CompletableFuture<ChatResponseBody> future = new CompletableFuture<>();
            CompletableFuture<ChatResponseBody> returned = context.getBean(ModelService.class).async(future);
            assertThat(returned).isSameAs(future);
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
            future.complete(ChatResponseBody.of("sim-small", 10, 20));
            SpanData span = span(context, "chat sim-small");
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(20L);
        });
    }

    @Test
    void streamRecordsTimeToFirstChunkAndUsageOfTheLastChunk() {
        this.contextRunner.run((context) -> {
            List<Map<String, Object>> chunks = context.getBean(ModelService.class)
                .stream()
                .collectList()
                .block(Duration.ofSeconds(5));
            assertThat(chunks).hasSize(3);
            SpanData span = span(context, "chat sim-stream");
            assertThat(span.getAttributes().get(AttributeKey.booleanKey("gen_ai.request.stream"))).isTrue();
            assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                .isGreaterThanOrEqualTo(0.05);
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(11L);
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(2L);
            assertThat(span.getAttributes().get(FINISH_REASONS)).containsExactly("length");
            Timer timeToFirstChunk = context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_to_first_chunk")
                .tag("gen_ai.request.model", "sim-stream")
                .timer();
            assertThat(timeToFirstChunk.count()).isEqualTo(1);
            assertThat(timeToFirstChunk.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);
        });
    }

    @Test
    void springAiChatResponseIsRead() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).springAi();
            SpanData span = span(context, "chat gpt-4o");
            assertThat(span.getAttributes().get(PROVIDER)).isEqualTo("azure.ai.openai");
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(40L);
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(8L);
            assertThat(span.getAttributes().get(RESPONSE_MODEL)).isEqualTo("gpt-4o-2024-08-06");
            assertThat(span.getAttributes().get(FINISH_REASONS)).containsExactly("STOP");
        });
    }

    @Test
    void resultTypeReportingItsOwnUsageIsRead() {
        this.contextRunner.run((context) -> {
            context.getBean(ModelService.class).selfReporting();
            assertThat(span(context, "text_completion local-llm").getAttributes().get(OUTPUT_TOKENS)).isEqualTo(64L);
        });
    }

    @Test
    void userExtractorIsAskedFirstAndAFailingOneNeverBreaksTheCall(CapturedOutput output) {
        this.contextRunner.withUserConfiguration(Extractors.class).run((context) -> {
            ChatResponseBody response = context.getBean(ModelService.class)
                .chat(new ChatRequest("sim-large", "hello"), null);
            assertThat(response.model()).isEqualTo("sim-large-2026-01");
            SpanData span = span(context, "chat sim-large");
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(1200L);
            assertThat(output).contains("TokenUsageExtractor").contains("broken extractor");
        });
    }

    @Test
    void programmaticCallUsesTheDefaultProviderAndReadsTheResult() {
        this.contextRunner.withPropertyValues("inferlens.inference.default-provider=vllm").run((context) -> {
            InferenceRecorder recorder = context.getBean(InferenceRecorder.class);
            ChatResponseBody response = recorder.observe("chat", null, "sim-small",
                    () -> ChatResponseBody.of("sim-small", 3, 4));
            assertThat(response.model()).isEqualTo("sim-small");
            SpanData span = span(context, "chat sim-small");
            assertThat(span.getAttributes().get(PROVIDER)).isEqualTo("vllm");
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(4L);
        });
    }

    @Test
    void programmaticStreamCountsChunksUntilStopped() {
        this.contextRunner.run((context) -> {
            InferenceRecorder recorder = context.getBean(InferenceRecorder.class);
            try (Inference inference = recorder.start("chat", "openai", null)) {
                inference.requestModel("sim-small").conversationId("c-9");
                try (Inference.Scope scope = inference.openScope()) {
                    inference.chunk(Map.of("choices", List.of(Map.of("delta", Map.of("content", "hi")))));
                    inference.chunk(
                            Map.of("choices", List.of(), "usage", Map.of("prompt_tokens", 5, "completion_tokens", 1)));
                }
            }
            SpanData span = span(context, "chat sim-small");
            assertThat(span.getAttributes().get(CONVERSATION_ID)).isEqualTo("c-9");
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(1L);
            assertThat(context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_to_first_chunk")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void cacheHitsAndMissesAreCounted() {
        this.contextRunner.run((context) -> {
            InferenceRecorder recorder = context.getBean(InferenceRecorder.class);
            recorder.recordCacheHit();
            recorder.recordCacheHit();
            recorder.recordCacheMiss();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("inferlens.inference.cache").tag("result", "hit").counter().count()).isEqualTo(2);
            assertThat(meters.get("inferlens.inference.cache").tag("result", "miss").counter().count()).isEqualTo(1);
        });
    }

    @Test
    void contentIsCapturedOnlyWhenEnabledWithSecretsMaskedAndAWarningAtStartup(CapturedOutput output) {
        this.contextRunner.withPropertyValues("inferlens.inference.capture-content=true").run((context) -> {
            assertThat(output).contains("inferlens.inference.capture-content is true");
            context.getBean(ModelService.class)
                .chat(new ChatRequest("sim-large", "my key is sk-abcdefghijklmnop, api_key=hunter2"), null);
            SpanData span = span(context, "chat sim-large");
            String input = span.getAttributes().get(AttributeKey.stringKey("gen_ai.input.messages"));
            assertThat(input).contains("my key is ****").contains("api_key=****").doesNotContain("hunter2");
            assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.output.messages")))
                .contains("sim-large-2026-01");
        });
    }

    @Test
    void negativePriceFailsStartupNamingTheKey() {
        this.contextRunner
            .withPropertyValues("inferlens.pricing.models.sim-x.input=-1", "inferlens.pricing.models.sim-x.output=2")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("inferlens.pricing.models[sim-x].input must be a non-negative number"));
    }

    @Test
    void missingOutputPriceFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.pricing.models.sim-x.input=1")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("inferlens.pricing.models[sim-x].output is required"));
    }

    @Test
    void nonNumericPriceFailsStartupNamingTheKey() {
        this.contextRunner
            .withPropertyValues("inferlens.pricing.models.sim-x.input=cheap", "inferlens.pricing.models.sim-x.output=2")
            .run((context) -> assertThat(context).getFailure()
                .hasStackTraceContaining("inferlens.pricing.models.sim-x.input"));
    }

    private static SpanData span(ApplicationContext context, String name) {
        return context.getBean(InMemorySpanExporter.class)
            .getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name + " in "
                    + context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()));
    }

    @Configuration(proxyBeanMethods = false)
    static class Models {

        @Bean
        ModelService modelService() {
            return new ModelService();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class Extractors {

        @Bean
        @Order(1)
        TokenUsageExtractor brokenExtractor() {
            return (result) -> {
                throw new IllegalStateException("broken extractor");
            };
        }

    }

    public record ChatRequest(String model, String prompt) {

    }

    public record Usage(long promptTokens, long completionTokens, Details promptTokensDetails) {

    }

    public record Details(long cachedTokens) {

    }

    public record Choice(int index, String finishReason) {

    }

    public record ChatResponseBody(String model, List<Choice> choices, Usage usage) {

        static ChatResponseBody of(String model, long input, long output) {
            return new ChatResponseBody(model, List.of(new Choice(0, "stop")),
                    new Usage(input, output, new Details(0)));
        }

    }

    public record SelfReporting(String text) implements TokenUsageProvider {

        @Override
        public TokenUsage getTokenUsage() {
            return TokenUsage.of(16, 64);
        }

    }

    public static class ModelService {

        @TracedInference(provider = "openai")
        public ChatResponseBody chat(@InferenceModel ChatRequest request, @ConversationId String conversationId) {
            return new ChatResponseBody(request.model() + (request.model().equals("sim-large") ? "-2026-01" : ""),
                    List.of(new Choice(0, "stop")), new Usage(1200, 300, new Details(200)));
        }

        @TracedInference(model = "sim-large")
        public ChatResponseBody fail() {
            throw new IllegalStateException("backend down");
        }

        @TracedInference(operation = "embeddings", model = "text-embed")
        public Map<String, Object> embed(String text) {
            return Map.of("model", "text-embed-v3", "object", "list", "usage",
                    Map.of("prompt_tokens", 7, "total_tokens", 7));
        }

        @TracedInference(model = "sim-small")
        public CompletableFuture<ChatResponseBody> async(CompletableFuture<ChatResponseBody> future) {
            return future;
        }

        @TracedInference(model = "sim-stream")
        public Flux<Map<String, Object>> stream() {
            return Flux
                .just(Map.<String, Object>of("model", "sim-stream", "choices", List.of(Map.of("index", 0))),
                        Map.<String, Object>of("model", "sim-stream", "choices",
                                List.of(Map.of("index", 0, "finish_reason", "length"))),
                        Map.<String, Object>of("model", "sim-stream", "choices", List.of(), "usage",
                                Map.of("prompt_tokens", 11, "completion_tokens", 2)))
                .delayElements(Duration.ofMillis(50));
        }

        @TracedInference(provider = "azure.ai.openai", model = "gpt-4o")
        public ChatResponse springAi() {
            Generation generation = new Generation(new AssistantMessage("hello"),
                    ChatGenerationMetadata.builder().finishReason("STOP").build());
            return new ChatResponse(List.of(generation),
                    ChatResponseMetadata.builder().model("gpt-4o-2024-08-06").usage(new DefaultUsage(40, 8)).build());
        }

        @TracedInference(operation = "text_completion", model = "local-llm")
        public SelfReporting selfReporting() {
            return new SelfReporting("done");
        }

    }

}
