package io.inferlens.autoconfigure.langchain4j;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import io.inferlens.autoconfigure.errors.ErrorsAutoConfiguration;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.inference.CacheMetrics;
import io.inferlens.inference.ContentCapture;
import io.inferlens.inference.Inference;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.inference.TokenUsageExtractors;
import io.inferlens.langchain4j.OpenAiStandIn;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * LangChain4j's real OpenAI chat models in an application context with Boot's
 * observation, metrics and OpenTelemetry tracing auto-configurations, the models made as
 * LangChain4j's Spring Boot starter makes them (with every {@link ChatModelListener}
 * bean) and calling, over HTTP, an {@link OpenAiStandIn}: a stand-in for the backend
 * started by the test, until the sample app's simulator is used. Spans are collected by
 * the OpenTelemetry SDK's in-memory exporter.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class LangChain4jIntegrationTests {

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

    private static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("gen_ai.request.stream");

    private static final AttributeKey<Double> TIME_TO_FIRST_CHUNK = AttributeKey
        .doubleKey("gen_ai.response.time_to_first_chunk");

    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    /**
     * Cost of a call of the stand-in, in US dollars: 1000 input tokens at 3, 200 cached
     * at 0.3 and 300 output tokens at 15 per million.
     */
    private static final double COST = (1000 * 3 + 200 * 0.3 + 300 * 15) / 1_000_000.0;

    private OpenAiStandIn backend;

    private ApplicationContextRunner contextRunner;

    @BeforeEach
    void startBackend() throws IOException {
        this.backend = OpenAiStandIn.start();
        this.contextRunner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                    MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                    OpenTelemetryTracingAutoConfiguration.class, MetricsAutoConfiguration.class,
                    SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                    TracedAutoConfiguration.class, InferenceAutoConfiguration.class, ErrorsAutoConfiguration.class,
                    LangChain4jAutoConfiguration.class))
            .withPropertyValues("management.tracing.sampling.probability=1.0",
                    "inferlens.pricing.models.sim-large.input=3", "inferlens.pricing.models.sim-large.output=15",
                    "inferlens.pricing.models.sim-large.cached-input=0.3", "backend.base-url=" + this.backend.baseUrl())
            .withUserConfiguration(SpanCollection.class, Models.class, Records.class);
    }

    @AfterEach
    void stopBackend() {
        this.backend.close();
    }

    @Test
    void chatCallIsOneClientSpanNamedAfterOperationAndModelWithGenAiAttributes() {
        this.contextRunner.run((context) -> {
            assertThat(context.getBean(ChatModel.class).chat("Hello")).isEqualTo("Hello there");
            SpanData span = onlySpan(context);
            assertThat(span.getName()).isEqualTo("chat sim-large");
            assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(span.getAttributes().get(OPERATION)).isEqualTo("chat");
            assertThat(span.getAttributes().get(PROVIDER)).isEqualTo("openai");
            assertThat(span.getAttributes().get(REQUEST_MODEL)).isEqualTo("sim-large");
            assertThat(span.getAttributes().get(RESPONSE_MODEL)).isEqualTo("sim-large-2026-01");
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(1200L);
            assertThat(span.getAttributes().get(OUTPUT_TOKENS)).isEqualTo(300L);
            assertThat(span.getAttributes().get(CACHE_READ_TOKENS)).isEqualTo(200L);
            assertThat(span.getAttributes().get(FINISH_REASONS)).containsExactly("stop");
            assertThat(span.getAttributes().get(STREAM)).isNull();
            assertThat(span.getAttributes().get(ERROR_TYPE)).isNull();
        });
    }

    @Test
    void chatCallRecordsTokenUsageHistogramsTaggedLikeTheSpan() {
        this.contextRunner.run((context) -> {
            context.getBean(ChatModel.class).chat("Hello");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters).isInstanceOf(SimpleMeterRegistry.class);
            DistributionSummary input = tokens(meters, "input");
            assertThat(input.count()).isEqualTo(1);
            assertThat(input.totalAmount()).isEqualTo(1200);
            DistributionSummary output = tokens(meters, "output");
            assertThat(output.count()).isEqualTo(1);
            assertThat(output.totalAmount()).isEqualTo(300);
            assertThat(meters.get("gen_ai.client.operation.duration")
                .tag("gen_ai.request.model", "sim-large")
                .tag("error.type", "")
                .timer()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void chatCallIsOneRecordPricedFromThePriceTable() {
        this.contextRunner.run((context) -> {
            context.getBean(ChatModel.class).chat("Hello");
            assertThat(context.getBean(Records.class).records).singleElement().satisfies((record) -> {
                assertThat(record.operation()).isEqualTo("chat");
                assertThat(record.provider()).isEqualTo("openai");
                assertThat(record.requestModel()).isEqualTo("sim-large");
                assertThat(record.responseModel()).isEqualTo("sim-large-2026-01");
                assertThat(record.cost()).isCloseTo(COST, within(1e-12));
                assertThat(record.streaming()).isFalse();
                assertThat(record.failed()).isFalse();
                assertThat(record.traceId()).isEqualTo(onlySpan(context).getTraceId());
            });
        });
    }

    @Test
    void streamedCallOfAProxiedModelBeanHasTimeToFirstChunk() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class)).run((context) -> {
            StreamingChatModel model = context.getBean(StreamingChatModel.class);
            assertThat(AopUtils.isAopProxy(model)).isTrue();
            ChatResponse response = OpenAiStandIn.stream(model).get(10, TimeUnit.SECONDS);
            assertThat(response.aiMessage().text()).isEqualTo("Hello there");
            SpanData span = onlySpan(context);
            assertThat(span.getAttributes().get(STREAM)).isTrue();
            assertThat(span.getAttributes().get(TIME_TO_FIRST_CHUNK)).isNotNull().isPositive();
            assertThat(context.getBean(Records.class).records).singleElement().satisfies((record) -> {
                assertThat(record.streaming()).isTrue();
                assertThat(record.timeToFirstChunk()).isNotNull().isPositive().isLessThanOrEqualTo(record.duration());
            });
            assertThat(context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_to_first_chunk")
                .timer()
                .count()).isOne();
            // two partial responses, "Hello" and " there": one time per output chunk
            assertThat(context.getBean(MeterRegistry.class)
                .get("gen_ai.client.operation.time_per_output_chunk")
                .timer()
                .count()).isOne();
        });
    }

    @Test
    void streamingModelBeanThatThrowsBeforeItsStreamStartsEndsItsCallFailed() {
        this.contextRunner.withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class))
            .withBean(FailingStreamingModel.class)
            .run((context) -> {
                FailingStreamingModel model = context.getBean(FailingStreamingModel.class);
                assertThatIllegalArgumentException()
                    .isThrownBy(() -> model.chat("Hello", new StreamingChatResponseHandler() {

                        @Override
                        public void onCompleteResponse(ChatResponse completeResponse) {
                        }

                        @Override
                        public void onError(Throwable error) {
                        }

                    }))
                    .withMessage("invalid request");
                assertThat(context.getBean(Records.class).records).singleElement()
                    .satisfies((record) -> assertThat(record.errorType())
                        .isEqualTo(IllegalArgumentException.class.getName()));
                assertThat(onlySpan(context).getAttributes().get(ERROR_TYPE))
                    .isEqualTo(IllegalArgumentException.class.getName());
            });
    }

    /**
     * A streaming model that is not a proxied bean (here: no AOP auto-configuration):
     * LangChain4j does not tell listeners of partial responses.
     */
    @Test
    void streamedCallIsOneSpanAndRecordMarkedStreamedWithoutTimeToFirstChunk() {
        this.contextRunner.run((context) -> {
            ChatResponse response = OpenAiStandIn.stream(context.getBean(StreamingChatModel.class))
                .get(10, TimeUnit.SECONDS);
            assertThat(response.aiMessage().text()).isEqualTo("Hello there");
            SpanData span = onlySpan(context);
            assertThat(span.getName()).isEqualTo("chat sim-large");
            assertThat(span.getAttributes().get(STREAM)).isTrue();
            assertThat(span.getAttributes().get(INPUT_TOKENS)).isEqualTo(1200L);
            assertThat(span.getAttributes().get(FINISH_REASONS)).containsExactly("length");
            assertThat(span.getAttributes().get(TIME_TO_FIRST_CHUNK)).isNull();
            assertThat(context.getBean(Records.class).records).singleElement().satisfies((record) -> {
                assertThat(record.streaming()).isTrue();
                assertThat(record.timeToFirstChunk()).isNull();
                assertThat(record.cost()).isCloseTo(COST, within(1e-12));
            });
            assertThat(
                    context.getBean(MeterRegistry.class).find("gen_ai.client.operation.time_to_first_chunk").meters())
                .isEmpty();
        });
    }

    @Test
    void failedCallHasTheErrorTypeOnItsSpanAndTheExceptionStillReachesTheCaller() {
        this.backend.failWith(500);
        this.contextRunner.run((context) -> {
            ChatModel model = context.getBean(ChatModel.class);
            assertThatThrownBy(() -> model.chat("Hello")).satisfies((thrown) -> {
                String errorType = thrown.getClass().getName();
                SpanData span = onlySpan(context);
                assertThat(span.getAttributes().get(ERROR_TYPE)).isEqualTo(errorType);
                assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
                assertThat(context.getBean(MeterRegistry.class)
                    .get("gen_ai.client.operation.duration")
                    .tag("error.type", errorType)
                    .timer()
                    .count()).isEqualTo(1);
                assertThat(context.getBean(Records.class).records).singleElement()
                    .satisfies((record) -> assertThat(record.errorType()).isEqualTo(errorType));
            });
        });
    }

    @Test
    void failedStreamedCallHasTheErrorTypeOnItsSpanAndTheErrorStillReachesTheHandler() {
        this.backend.failWith(500);
        this.contextRunner.run((context) -> {
            CompletableFuture<ChatResponse> response = OpenAiStandIn.stream(context.getBean(StreamingChatModel.class));
            assertThatThrownBy(() -> response.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .satisfies((thrown) -> assertThat(onlySpan(context).getAttributes().get(ERROR_TYPE))
                    .isEqualTo(thrown.getCause().getClass().getName()));
        });
    }

    @Test
    void callIsAChildOfTheCallersObservation() {
        this.contextRunner.run((context) -> {
            Observation caller = Observation.start("caller", context.getBean(ObservationRegistry.class));
            try (Observation.Scope scope = caller.openScope()) {
                context.getBean(ChatModel.class).chat("Hello");
            }
            finally {
                caller.stop();
            }
            List<SpanData> spans = context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
            SpanData chat = spans.stream().filter((span) -> span.getName().equals("chat sim-large")).findFirst().get();
            SpanData parent = spans.stream().filter((span) -> span.getName().equals("caller")).findFirst().get();
            assertThat(chat.getParentSpanId()).isEqualTo(parent.getSpanId());
            assertThat(chat.getTraceId()).isEqualTo(parent.getTraceId());
        });
    }

    @Test
    void failingRecordListenerNeverBreaksTheCall() {
        this.contextRunner.withUserConfiguration(FailingRecordListener.class).run((context) -> {
            assertThat(context.getBean(ChatModel.class).chat("Hello")).isEqualTo("Hello there");
            assertThat(onlySpan(context).getName()).isEqualTo("chat sim-large");
            assertThat(context.getBean(Records.class).records).hasSize(1);
        });
    }

    @Test
    void brokenRecorderNeverBreaksTheCallNorReachesLangChain4j(CapturedOutput output) {
        this.contextRunner.withUserConfiguration(BrokenRecorder.class).run((context) -> {
            assertThat(context.getBean(ChatModel.class).chat("Hello")).isEqualTo("Hello there");
            assertThat(OpenAiStandIn.stream(context.getBean(StreamingChatModel.class))
                .get(10, TimeUnit.SECONDS)
                .aiMessage()
                .text()).isEqualTo("Hello there");
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).isEmpty();
            assertThat(output).contains("Failed to start the observation of a LangChain4j chat model call")
                .doesNotContain("An exception occurred during the invocation of the chat model listener");
        });
    }

    private static SpanData onlySpan(AssertableApplicationContext context) {
        List<SpanData> spans = context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
        assertThat(spans).hasSize(1);
        return spans.get(0);
    }

    private static DistributionSummary tokens(MeterRegistry meters, String type) {
        return meters.get("gen_ai.client.token.usage")
            .tag("gen_ai.token.type", type)
            .tag("gen_ai.operation.name", "chat")
            .tag("gen_ai.provider.name", "openai")
            .tag("gen_ai.request.model", "sim-large")
            .tag("gen_ai.response.model", "sim-large-2026-01")
            .summary();
    }

    /**
     * Models made as LangChain4j's OpenAI Spring Boot starter makes them: with every
     * {@link ChatModelListener} bean.
     */
    @Configuration(proxyBeanMethods = false)
    /**
     * A streaming model that fails before it starts its stream: LangChain4j has announced
     * the request to its listeners, and tells them nothing more.
     */
    static class FailingStreamingModel implements StreamingChatModel {

        private final List<ChatModelListener> listeners;

        FailingStreamingModel(ObjectProvider<ChatModelListener> listeners) {
            this.listeners = listeners.orderedStream().toList();
        }

        @Override
        public List<ChatModelListener> listeners() {
            return this.listeners;
        }

        @Override
        public void doChat(dev.langchain4j.model.chat.request.ChatRequest request,
                StreamingChatResponseHandler handler) {
            throw new IllegalArgumentException("invalid request");
        }

    }

    static class Models {

        @Bean
        OpenAiChatModel openAiChatModel(Environment environment, ObjectProvider<ChatModelListener> listeners) {
            return OpenAiChatModel.builder()
                .baseUrl(environment.getRequiredProperty("backend.base-url"))
                .apiKey("test-key")
                .modelName("sim-large")
                .maxRetries(0)
                .listeners(listeners.orderedStream().toList())
                .build();
        }

        @Bean
        OpenAiStreamingChatModel openAiStreamingChatModel(Environment environment,
                ObjectProvider<ChatModelListener> listeners) {
            return OpenAiStreamingChatModel.builder()
                .baseUrl(environment.getRequiredProperty("backend.base-url"))
                .apiKey("test-key")
                .modelName("sim-large")
                .listeners(listeners.orderedStream().toList())
                .build();
        }

    }

    /**
     * Keeps the records of model calls.
     */
    @Configuration(proxyBeanMethods = false)
    static class Records implements InferenceRecordListener {

        final List<InferenceRecord> records = new CopyOnWriteArrayList<>();

        @Override
        public void onInference(InferenceRecord record) {
            this.records.add(record);
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class FailingRecordListener {

        @Bean
        @Order(0)
        InferenceRecordListener failingRecordListener() {
            return (record) -> {
                throw new IllegalStateException("broken record listener");
            };
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class BrokenRecorder {

        @Bean
        InferenceRecorder brokenRecorder(ObservationRegistry registry) {
            return new InferenceRecorder(registry, null, new TokenUsageExtractors(List.of()), ContentCapture.DISABLED,
                    "openai", CacheMetrics.NONE) {

                @Override
                public Inference start(String operation, @Nullable String provider, @Nullable String model,
                        InferenceRecord.Source source) {
                    throw new IllegalStateException("broken recorder");
                }

            };
        }

    }

}
