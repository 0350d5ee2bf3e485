package io.inferlens.autoconfigure.ai;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.inferlens.annotation.TracedInference;
import io.inferlens.autoconfigure.errors.ErrorsAutoConfiguration;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.metrics.InferlensMetricsAutoConfiguration;
import io.inferlens.errors.RecentErrors;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.spring.ai.SpringAiObservationFilter;
import io.inferlens.spring.ai.SpringAiObservationHandler;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatGenerationMetadata;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.metadata.Usage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.observation.ChatModelMeterObservationHandler;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.chat.observation.ChatModelObservationDocumentation;
import org.springframework.ai.chat.observation.DefaultChatModelObservationConvention;
import org.springframework.ai.chat.prompt.ChatOptions;
import org.springframework.ai.chat.prompt.Prompt;
import org.springframework.ai.embedding.Embedding;
import org.springframework.ai.embedding.EmbeddingOptions;
import org.springframework.ai.embedding.EmbeddingRequest;
import org.springframework.ai.embedding.EmbeddingResponse;
import org.springframework.ai.embedding.observation.DefaultEmbeddingModelObservationConvention;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelObservationDocumentation;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.observation.DefaultToolCallingObservationConvention;
import org.springframework.ai.tool.observation.ToolCallingObservationContext;
import org.springframework.ai.tool.observation.ToolCallingObservationDocumentation;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link SpringAiAutoConfiguration} with Boot's observation, tracing, metrics
 * and AOP auto-configurations. The model calls are Spring AI's own observations, made
 * through Spring AI's {@link ChatModelObservationDocumentation} exactly as its
 * {@code OpenAiChatModel} makes them, around a response built here: these tests are about
 * what Inferlens does with Spring AI's observation. The real Spring AI OpenAI client over
 * HTTP is tested in the sample app ({@code SpringAiAssistantIntegrationTests}).
 *
 * @author Inferlens
 */
class SpringAiAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                AopAutoConfiguration.class, InferenceAutoConfiguration.class, ErrorsAutoConfiguration.class,
                InferlensMetricsAutoConfiguration.class, SpringAiAutoConfiguration.class))
        .withUserConfiguration(SpanCollection.class, Records.class)
        .withPropertyValues("management.tracing.sampling.probability=1.0", "inferlens.pricing.models.m.input=2.0",
                "inferlens.pricing.models.m.output=8.0");

    @Test
    void chatCallGetsRecordSpanAttributesAndHistogramsWithoutAnnotation() {
        this.contextRunner.run((context) -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            // Spring AI's token counter handler gives way to a stand-in
            assertThat(context.getBean(ChatModelMeterObservationHandler.class))
                .isInstanceOf(io.inferlens.spring.ai.SpringAiTokenCounters.Chat.class);
            // a counter handler registered otherwise (here by hand) is denied its meter
            registry.observationConfig()
                .observationHandler(new ChatModelMeterObservationHandler(context.getBean(MeterRegistry.class)));
            call(registry, "m", response("m", 1000, 500, 200L));
            List<InferenceRecord> records = context.getBean(Records.class).records;
            assertThat(records).singleElement().satisfies((record) -> {
                assertThat(record.source()).isEqualTo(InferenceRecord.Source.SPRING_AI);
                assertThat(record.operation()).isEqualTo("chat");
                assertThat(record.provider()).isEqualTo("openai");
                assertThat(record.requestModel()).isEqualTo("m");
                assertThat(record.usage().inputTokens()).isEqualTo(1000);
                assertThat(record.usage().outputTokens()).isEqualTo(500);
                assertThat(record.usage().cacheReadInputTokens()).isEqualTo(200);
                // 1000 × 2 + 500 × 8 per million tokens
                assertThat(record.cost()).isCloseTo(0.006, org.assertj.core.data.Offset.offset(1e-12));
                assertThat(record.streaming()).isFalse();
                assertThat(record.traceId()).isNotNull();
            });
            SpanData span = onlyModelSpan(context);
            assertThat(span.getName()).isEqualTo("chat m");
            assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.provider.name"))).isEqualTo("openai");
            assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.usage.cost"))).isCloseTo(0.006,
                    org.assertj.core.data.Offset.offset(1e-12));
            assertThat(span.getAttributes().get(AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens")))
                .isEqualTo(200L);
            assertThat(span.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
                .isNull();
            assertThat(span.getTraceId()).isEqualTo(records.get(0).traceId());
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            DistributionSummary input = meters.get("gen_ai.client.token.usage")
                .tags("gen_ai.token.type", "input", "gen_ai.request.model", "m", "gen_ai.provider.name", "openai")
                .summary();
            assertThat(input.totalAmount()).isEqualTo(1000);
            assertThat(meters.get("gen_ai.client.operation.duration").tag("gen_ai.request.model", "m").timer().count())
                .isOne();
            assertThat(meters.get("inferlens.inference.cost").counter().count()).isCloseTo(0.006,
                    org.assertj.core.data.Offset.offset(1e-12));
            // one name, one type: Spring AI's counter of the same name is denied
            assertThat(meters.find("gen_ai.client.token.usage").counters()).isEmpty();
            assertThat(meters.find("gen_ai.client.operation.time_to_first_chunk").timers()).isEmpty();
        });
    }

    @Test
    void failedChatCallIsRecordedWithItsErrorTypeAndGroupedAndStillThrows() {
        this.contextRunner.run((context) -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            assertThatIllegalStateException().isThrownBy(() -> call(registry, "m", null)).withMessage("backend down");
            InferenceRecord record = context.getBean(Records.class).records.get(0);
            assertThat(record.errorType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(onlyModelSpan(context).getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
            assertThat(context.getBean(RecentErrors.class).groups()).singleElement()
                .satisfies((group) -> assertThat(group.errorType()).isEqualTo(IllegalStateException.class.getName()));
        });
    }

    @Test
    void annotatedMethodAroundSpringAiIsOneModelCallCountedOnce() {
        this.contextRunner.withBean(AnnotatedClient.class).run((context) -> {
            context.getBean(AnnotatedClient.class).ask();
            List<InferenceRecord> records = context.getBean(Records.class).records;
            assertThat(records).singleElement()
                .satisfies((record) -> assertThat(record.source()).isEqualTo(InferenceRecord.Source.SPRING_AI));
            List<SpanData> spans = context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
            assertThat(spans)
                .filteredOn((span) -> span.getAttributes()
                    .asMap()
                    .keySet()
                    .stream()
                    .anyMatch((key) -> key.getKey().startsWith("gen_ai.")))
                .singleElement()
                .satisfies((span) -> {
                    assertThat(span.getName()).isEqualTo("chat m");
                });
            SpanData enclosing = spans.stream()
                .filter((span) -> span.getName().equals("AnnotatedClient.ask"))
                .findFirst()
                .orElseThrow();
            assertThat(enclosing.getAttributes().get(AttributeKey.longKey("inferlens.inference.model_calls")))
                .isEqualTo(1);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input").summaries())
                .singleElement()
                .satisfies((summary) -> assertThat(summary.count()).isOne());
            assertThat(meters.get("gen_ai.client.operation.duration").timers()).singleElement()
                .satisfies((timer) -> assertThat(timer.count()).isOne());
        });
    }

    @Test
    void annotatedMethodReturningSpringAisStreamIsOneModelCallCountedOnce() {
        this.contextRunner.withBean(StreamingModel.class).withBean(AnnotatedStreamingClient.class).run((context) -> {
            List<ChatResponse> chunks = context.getBean(AnnotatedStreamingClient.class)
                .stream()
                .collectList()
                .block(Duration.ofSeconds(10));
            assertThat(chunks).hasSize(3);
            Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> context.getBean(InMemorySpanExporter.class)
                    .getFinishedSpanItems()
                    .stream()
                    .anyMatch((span) -> span.getName().equals("AnnotatedStreamingClient.stream")));
            assertThat(context.getBean(Records.class).records).singleElement().satisfies((record) -> {
                assertThat(record.source()).isEqualTo(InferenceRecord.Source.SPRING_AI);
                assertThat(record.timeToFirstChunk()).isNotNull();
            });
            SpanData enclosing = context.getBean(InMemorySpanExporter.class)
                .getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals("AnnotatedStreamingClient.stream"))
                .findFirst()
                .orElseThrow();
            assertThat(onlyModelSpan(context).getParentSpanId()).isEqualTo(enclosing.getSpanId());
            assertThat(enclosing.getAttributes().get(AttributeKey.longKey("inferlens.inference.model_calls")))
                .isEqualTo(1);
        });
    }

    @Test
    void embeddingCallInsideAnAnnotatedChatMethodDoesNotMakeItDelegated() {
        this.contextRunner.withBean(EmbeddingThenChat.class).run((context) -> {
            context.getBean(EmbeddingThenChat.class).ask();
            List<InferenceRecord> records = context.getBean(Records.class).records;
            assertThat(records).extracting(InferenceRecord::operation, InferenceRecord::source)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("embeddings", InferenceRecord.Source.SPRING_AI),
                        org.assertj.core.groups.Tuple.tuple("chat", InferenceRecord.Source.ANNOTATION));
        });
    }

    @Test
    void streamedCallOfAChatModelBeanHasTimeToFirstChunkAndTheFinalChunksUsage() {
        this.contextRunner.withBean(StreamingModel.class).run((context) -> {
            StreamingModel model = context.getBean(StreamingModel.class);
            List<ChatResponse> chunks = model.stream(new Prompt("hi", ChatOptions.builder().model("m").build()))
                .collectList()
                .block(Duration.ofSeconds(10));
            assertThat(chunks).hasSize(3);
            // Spring AI stops its observation after the stream's subscriber saw the end
            Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> context.getBean(InMemorySpanExporter.class)
                    .getFinishedSpanItems()
                    .stream()
                    .anyMatch((span) -> span.getName().equals("chat m")));
            InferenceRecord record = context.getBean(Records.class).records.get(0);
            assertThat(record.streaming()).isTrue();
            assertThat(record.timeToFirstChunk()).isNotNull()
                .isGreaterThanOrEqualTo(Duration.ofMillis(40))
                .isLessThan(record.duration());
            // the final chunk's usage, with its cached tokens, which Spring AI's
            // aggregate drops
            assertThat(record.usage().inputTokens()).isEqualTo(30);
            assertThat(record.usage().outputTokens()).isEqualTo(12);
            assertThat(record.usage().cacheReadInputTokens()).isEqualTo(10);
            SpanData span = onlyModelSpan(context);
            double timeToFirstChunk = span.getAttributes()
                .get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk"));
            assertThat(timeToFirstChunk).isGreaterThanOrEqualTo(0.04);
            assertThat(context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_to_first_chunk")
                .timer()
                .count()).isOne();
            // three chunks 40 ms apart: two times per output chunk
            Timer timePerChunk = context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_per_output_chunk")
                .timer();
            assertThat(timePerChunk.count()).isEqualTo(2);
            assertThat(timePerChunk.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(70);
        });
    }

    @Test
    void toolExecutionsAreTimedByToolAndErrorTypeAndTheirSpansNamedAsTheConventionsSay() {
        this.contextRunner.run((context) -> {
            ObservationRegistry registry = context.getBean(ObservationRegistry.class);
            tool(registry, "current_weather", null);
            assertThatIllegalStateException()
                .isThrownBy(() -> tool(registry, "current_weather", new IllegalStateException("no weather")));
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("inferlens.tool.duration")
                .tags("gen_ai.tool.name", "current_weather", "error.type", "")
                .timer()
                .count()).isOne();
            assertThat(meters.get("inferlens.tool.duration")
                .tags("gen_ai.tool.name", "current_weather", "error.type", IllegalStateException.class.getName())
                .timer()
                .count()).isOne();
            List<SpanData> spans = context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
            assertThat(spans).hasSize(2).allSatisfy((span) -> {
                assertThat(span.getName()).isEqualTo("execute_tool current_weather");
                assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name")))
                    .isEqualTo("current_weather");
                assertThat(span.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.call.id"))).isEqualTo("call_1");
            });
            assertThat(spans.get(1).getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
        });
    }

    @Test
    void streamCancelledBeforeItsUsageIsRecordedCancelledWithUnknownTokensAndNoCost() {
        this.contextRunner.withBean(StreamingModel.class).run((context) -> {
            StreamingModel model = context.getBean(StreamingModel.class);
            List<ChatResponse> chunks = model.stream(new Prompt("hi", ChatOptions.builder().model("m").build()))
                .take(1)
                .collectList()
                .block(Duration.ofSeconds(10));
            assertThat(chunks).hasSize(1);
            Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> !context.getBean(Records.class).records.isEmpty());
            InferenceRecord record = context.getBean(Records.class).records.get(0);
            assertThat(record.cancelled()).isTrue();
            assertThat(record.timeToFirstChunk()).isNotNull();
            assertThat(record.usage().hasTokens()).isFalse();
            assertThat(record.hasCost()).isFalse();
            Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> context.getBean(InMemorySpanExporter.class)
                    .getFinishedSpanItems()
                    .stream()
                    .anyMatch((span) -> span.getName().equals("chat m")));
            assertThat(onlyModelSpan(context).getAttributes().get(AttributeKey.booleanKey("inferlens.cancelled")))
                .isTrue();
            assertThat(context.getBean(MeterRegistry.class).get("inferlens.inference.cancelled").counter().count())
                .isOne();
        });
    }

    @Test
    void failingRecordListenerNeverBreaksTheCall() {
        this.contextRunner.withBean("failingListener", InferenceRecordListener.class, () -> (record) -> {
            throw new IllegalStateException("listener failed");
        }).run((context) -> {
            ChatResponse response = call(context.getBean(ObservationRegistry.class), "m", response("m", 10, 5, null));
            assertThat(response.getResult().getOutput().getText()).isEqualTo("answer");
            assertThat(context.getBean(Records.class).records).hasSize(1);
        });
    }

    @Test
    void backsOffWithoutSpringAi() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.ai"))
            .withUserConfiguration(SpanCollection.class)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(SpringAiObservationHandler.class)
                    .doesNotHaveBean(SpringAiObservationFilter.class)
                    .doesNotHaveBean("inferlensSpringAiStreamAdvisor");
            });
    }

    @Test
    void canBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.spring-ai.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(SpringAiObservationHandler.class)
                .doesNotHaveBean(SpringAiObservationFilter.class);
            call(context.getBean(ObservationRegistry.class), "m", response("m", 10, 5, null));
            assertThat(context.getBean(Records.class).records).isEmpty();
        });
    }

    @Test
    void backsOffWhenUserDefinesHandlerAndFilter() {
        this.contextRunner
            .withBean("myHandler", SpringAiObservationHandler.class,
                    () -> new SpringAiObservationHandler(
                            new io.inferlens.inference.InferenceRecordPublisher(io.inferlens.inference.PriceTable.EMPTY,
                                    io.inferlens.observation.TraceContextResolver.MDC_KEYS, List::of),
                            null, null, () -> null,
                            new SpringAiObservationFilter(io.inferlens.inference.PriceTable.EMPTY, null)))
            .withBean("myFilter", SpringAiObservationFilter.class,
                    () -> new SpringAiObservationFilter(io.inferlens.inference.PriceTable.EMPTY, null))
            .run((context) -> assertThat(context).hasSingleBean(SpringAiObservationHandler.class)
                .hasBean("myHandler")
                .hasSingleBean(SpringAiObservationFilter.class)
                .hasBean("myFilter"));
    }

    private static SpanData onlyModelSpan(org.springframework.context.ApplicationContext context) {
        return context.getBean(InMemorySpanExporter.class)
            .getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().startsWith("chat"))
            .reduce((a, b) -> {
                throw new AssertionError("More than one chat span: " + a + ", " + b);
            })
            .orElseThrow();
    }

    /**
     * A call observed as Spring AI's {@code OpenAiChatModel} observes it.
     */
    static ChatResponse call(ObservationRegistry registry, String model, ChatResponse response) {
        ChatModelObservationContext context = ChatModelObservationContext.builder()
            .prompt(new Prompt("hi", ChatOptions.builder().model(model).build()))
            .provider("openai")
            .build();
        return ChatModelObservationDocumentation.CHAT_MODEL_OPERATION
            .observation(null, new DefaultChatModelObservationConvention(), () -> context, registry)
            .observe(() -> {
                if (response == null) {
                    throw new IllegalStateException("backend down");
                }
                context.setResponse(response);
                return response;
            });
    }

    /**
     * A tool execution observed as Spring AI's {@code DefaultToolCallingManager} observes
     * it.
     */
    static void tool(ObservationRegistry registry, String name, RuntimeException failure) {
        ToolCallingObservationContext context = ToolCallingObservationContext.builder()
            .toolDefinition(ToolDefinition.builder().name(name).description("d").inputSchema("{}").build())
            .toolCallId("call_1")
            .toolCallArguments("{}")
            .build();
        ToolCallingObservationDocumentation.TOOL_CALL
            .observation(null, new DefaultToolCallingObservationConvention(), () -> context, registry)
            .observe(() -> {
                if (failure != null) {
                    throw failure;
                }
                context.setToolCallResult("sunny");
            });
    }

    static ChatResponse response(String model, int input, int output, Long cached) {
        Usage usage = new DefaultUsage(input, output, input + output, null, cached, null);
        return new ChatResponse(
                List.of(new Generation(new AssistantMessage("answer"),
                        ChatGenerationMetadata.builder().finishReason("STOP").build())),
                ChatResponseMetadata.builder().model(model).usage(usage).build());
    }

    @Configuration(proxyBeanMethods = false)
    static class Records {

        final List<InferenceRecord> records = new CopyOnWriteArrayList<>();

        @Bean
        InferenceRecordListener collectingListener() {
            return this.records::add;
        }

    }

    static class AnnotatedClient {

        private final ObservationRegistry registry;

        AnnotatedClient(ObservationRegistry registry) {
            this.registry = registry;
        }

        @TracedInference(model = "m")
        public ChatResponse ask() {
            return call(this.registry, "m", response("m", 10, 5, null));
        }

    }

    static class AnnotatedStreamingClient {

        private final StreamingModel model;

        AnnotatedStreamingClient(StreamingModel model) {
            this.model = model;
        }

        @TracedInference(model = "m")
        public Flux<ChatResponse> stream() {
            return this.model.stream(new Prompt("hi", ChatOptions.builder().model("m").build()));
        }

    }

    static class EmbeddingThenChat {

        private final ObservationRegistry registry;

        EmbeddingThenChat(ObservationRegistry registry) {
            this.registry = registry;
        }

        /**
         * A chat method that first embeds the question (as a vector store search does),
         * through Spring AI, then calls its model without Spring AI.
         */
        @TracedInference(model = "m")
        public ChatResponse ask() {
            EmbeddingModelObservationContext context = EmbeddingModelObservationContext.builder()
                .embeddingRequest(new EmbeddingRequest(List.of("hi"), EmbeddingOptions.builder().model("e").build()))
                .provider("openai")
                .build();
            EmbeddingModelObservationDocumentation.EMBEDDING_MODEL_OPERATION
                .observation(null, new DefaultEmbeddingModelObservationConvention(), () -> context, this.registry)
                .observe(() -> context
                    .setResponse(new EmbeddingResponse(List.of(new Embedding(new float[] { 1f }, 0)))));
            return response("m", 10, 5, null);
        }

    }

    /**
     * A chat model bean whose stream is observed as Spring AI's {@code OpenAiChatModel}
     * observes its streams: the observation starts on subscription and stops when the
     * stream ends, its response the aggregate of the chunks, whose usage has no cached
     * tokens; the final chunk has the whole usage.
     */
    static class StreamingModel implements ChatModel {

        private final ObservationRegistry registry;

        StreamingModel(ObservationRegistry registry) {
            this.registry = registry;
        }

        @Override
        public ChatResponse call(Prompt prompt) {
            throw new UnsupportedOperationException();
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
                        new DefaultChatModelObservationConvention(), () -> context, this.registry);
                observation.parentObservation(contextView.getOrDefault(ObservationThreadLocalAccessor.KEY, null));
                observation.start();
                ChatResponse last = response("m", 30, 12, 10L);
                return Flux
                    .just(chunk("Hello"), chunk(" there"), new ChatResponse(List.of(),
                            ChatResponseMetadata.builder().model("m").usage(last.getMetadata().getUsage()).build()))
                    .delayElements(Duration.ofMillis(40))
                    .doOnComplete(() -> context.setResponse(new ChatResponse(List.of(),
                            ChatResponseMetadata.builder().model("m").usage(new DefaultUsage(30, 12, 42)).build())))
                    .doOnError(observation::error)
                    .doFinally((signal) -> observation.stop());
            });
        }

        private static ChatResponse chunk(String text) {
            return new ChatResponse(List.of(new Generation(new AssistantMessage(text))),
                    ChatResponseMetadata.builder().model("m").build());
        }

    }

}
