package io.inferlens.autoconfigure.inference;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.inference.CacheMetrics;
import io.inferlens.inference.ContentCapture;
import io.inferlens.inference.DefaultInferenceObservationConvention;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.inference.InferenceTracingObservationHandler;
import io.inferlens.inference.MeterRegistryCacheMetrics;
import io.inferlens.inference.PriceTable;
import io.inferlens.inference.TokenUsage;
import io.inferlens.inference.TokenUsageExtractors;
import io.inferlens.spring.aop.TracedInferenceInterceptor;
import io.inferlens.spring.aop.TracedInferencePointcutAdvisor;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.metadata.ChatResponseMetadata;
import org.springframework.ai.chat.metadata.DefaultUsage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.AopUtils;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferenceAutoConfiguration}, with Boot's observation, OpenTelemetry
 * tracing, metrics and AOP auto-configurations.
 *
 * @author Inferlens
 */
class InferenceAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                AopAutoConfiguration.class, InferenceAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0");

    @Test
    void providesRecorderAdvisorHandlersAndCacheMetricsByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(TokenUsageExtractors.class);
            assertThat(context).hasSingleBean(PriceTable.class);
            assertThat(context).hasSingleBean(InferenceRecorder.class);
            assertThat(context).hasSingleBean(TracedInferenceInterceptor.class);
            assertThat(context).hasSingleBean(TracedInferencePointcutAdvisor.class);
            assertThat(context).hasSingleBean(InferenceTracingObservationHandler.class);
            assertThat(context).hasSingleBean(InferenceMeterObservationHandler.class);
            assertThat(context).hasSingleBean(MeterRegistryCacheMetrics.class);
            assertThat(context.getBean(TracedInferencePointcutAdvisor.class).getAdvice())
                .isSameAs(context.getBean(TracedInferenceInterceptor.class));
            assertThat(context.getBean(PriceTable.class).isEmpty()).isTrue();
        });
    }

    @Test
    void handlersAreRegisteredAheadOfBootsDefaultMeterHandler() {
        this.contextRunner.run((context) -> {
            context.getBean(InferenceRecorder.class).observe("chat", null, "gpt-4o", () -> "answer");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("gen_ai.client.operation.duration")
                .tag("gen_ai.request.model", "gpt-4o")
                .tag("gen_ai.provider.name", "openai")
                .timer()
                .count()).isEqualTo(1);
            // Boot's DefaultMeterObservationHandler would have named its timer after the
            // observation
            assertThat(meters.find("gen_ai.client.operation").meters()).isEmpty();
        });
    }

    @Test
    void cacheLookupsAreCountedByDefault() {
        this.contextRunner.run((context) -> {
            context.getBean(InferenceRecorder.class).recordCacheMiss();
            assertThat(context.getBean(MeterRegistry.class)
                .get("inferlens.inference.cache")
                .tag("result", "miss")
                .counter()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void backsOffWhenUserDefinesTokenUsageExtractors() {
        TokenUsageExtractors extractors = new TokenUsageExtractors(List.of());
        this.contextRunner.withBean("userExtractors", TokenUsageExtractors.class, () -> extractors)
            .run((context) -> assertThat(context.getBean(TokenUsageExtractors.class)).isSameAs(extractors));
    }

    @Test
    void backsOffWhenUserDefinesPriceTable() {
        PriceTable prices = new PriceTable(Map.of());
        this.contextRunner.withBean("userPrices", PriceTable.class, () -> prices)
            .run((context) -> assertThat(context.getBean(PriceTable.class)).isSameAs(prices));
    }

    @Test
    void backsOffWhenUserDefinesRecorder() {
        InferenceRecorder recorder = recorder();
        this.contextRunner.withBean("userRecorder", InferenceRecorder.class, () -> recorder)
            .run((context) -> assertThat(context.getBean(InferenceRecorder.class)).isSameAs(recorder));
    }

    @Test
    void backsOffWhenUserDefinesInterceptor() {
        TracedInferenceInterceptor interceptor = new TracedInferenceInterceptor(recorder());
        this.contextRunner.withBean("userInterceptor", TracedInferenceInterceptor.class, () -> interceptor)
            .run((context) -> {
                assertThat(context.getBean(TracedInferenceInterceptor.class)).isSameAs(interceptor);
                assertThat(context.getBean(TracedInferencePointcutAdvisor.class).getAdvice()).isSameAs(interceptor);
            });
    }

    @Test
    void backsOffWhenUserDefinesAdvisor() {
        TracedInferencePointcutAdvisor advisor = new TracedInferencePointcutAdvisor(
                () -> new TracedInferenceInterceptor(recorder()));
        this.contextRunner.withBean("userAdvisor", TracedInferencePointcutAdvisor.class, () -> advisor)
            .run((context) -> assertThat(context.getBean(TracedInferencePointcutAdvisor.class)).isSameAs(advisor));
    }

    @Test
    void backsOffWhenUserDefinesTracingHandler() {
        InferenceTracingObservationHandler handler = new InferenceTracingObservationHandler(Tracer.NOOP);
        this.contextRunner.withBean("userHandler", InferenceTracingObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(InferenceTracingObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void backsOffWhenUserDefinesMeterHandler() {
        InferenceMeterObservationHandler handler = new InferenceMeterObservationHandler(new SimpleMeterRegistry());
        this.contextRunner.withBean("userHandler", InferenceMeterObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(InferenceMeterObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void backsOffWhenUserDefinesCacheMetricsAndTheRecorderUsesThem() {
        AtomicInteger hits = new AtomicInteger();
        CacheMetrics cacheMetrics = (hit) -> hits.incrementAndGet();
        this.contextRunner.withBean("userCacheMetrics", CacheMetrics.class, () -> cacheMetrics).run((context) -> {
            assertThat(context.getBean(CacheMetrics.class)).isSameAs(cacheMetrics);
            assertThat(context).doesNotHaveBean(MeterRegistryCacheMetrics.class);
            context.getBean(InferenceRecorder.class).recordCacheHit();
            assertThat(hits).hasValue(1);
        });
    }

    @Test
    void userConventionNamesTheSpan() {
        this.contextRunner.withUserConfiguration(SpanCollection.class)
            .withBean(DefaultInferenceObservationConvention.class, LlmConvention::new)
            .run((context) -> {
                context.getBean(InferenceRecorder.class).observe("chat", null, "gpt-4o", () -> "answer");
                assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                    .extracting(SpanData::getName)
                    .containsExactly("llm gpt-4o");
            });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).doesNotHaveBean(TokenUsageExtractors.class);
            assertThat(context).doesNotHaveBean(PriceTable.class);
            assertThat(context).doesNotHaveBean(InferenceRecorder.class);
            assertThat(context).doesNotHaveBean(TracedInferencePointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(InferenceTracingObservationHandler.class);
            assertThat(context).doesNotHaveBean(InferenceMeterObservationHandler.class);
            assertThat(context).doesNotHaveBean(MeterRegistryCacheMetrics.class);
            assertThat(context).doesNotHaveBean(PricingProperties.class);
        });
    }

    @Test
    void annotationsCanBeDisabledLeavingTheRecorder() {
        this.contextRunner.withPropertyValues("inferlens.annotations.enabled=false")
            .withBean(Models.class)
            .run((context) -> {
                assertThat(context).doesNotHaveBean(TracedInferencePointcutAdvisor.class);
                assertThat(context).doesNotHaveBean(TracedInferenceInterceptor.class);
                assertThat(context).hasSingleBean(InferenceRecorder.class);
                assertThat(context).hasSingleBean(InferenceTracingObservationHandler.class);
                assertThat(AopUtils.isAopProxy(context.getBean(Models.class))).isFalse();
            });
    }

    @Test
    void recorderWorksWithoutMicrometerCore() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.micrometer.core."))
            .withUserConfiguration(SpanCollection.class)
            .run((context) -> {
                assertThat(context).doesNotHaveBean(InferenceMeterObservationHandler.class);
                assertThat(context).doesNotHaveBean(MeterRegistryCacheMetrics.class);
                assertThat(context).hasSingleBean(InferenceTracingObservationHandler.class);
                InferenceRecorder recorder = context.getBean(InferenceRecorder.class);
                recorder.recordCacheHit();
                assertThat(recorder.observe("chat", null, "gpt-4o", () -> "answer")).isEqualTo("answer");
                assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems())
                    .extracting(SpanData::getName)
                    .containsExactly("chat gpt-4o");
            });
    }

    @Test
    void noTracingHandlerWithoutMicrometerTracing() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Tracer.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(InferenceTracingObservationHandler.class);
            assertThat(context).hasSingleBean(InferenceRecorder.class);
            assertThat(context).hasSingleBean(InferenceMeterObservationHandler.class);
            assertThat(context).hasSingleBean(TracedInferencePointcutAdvisor.class);
        });
    }

    @Test
    void noAdvisorWithoutSpringAop() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Advisor.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(TracedInferencePointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(TracedInferenceInterceptor.class);
            assertThat(context).hasSingleBean(InferenceRecorder.class);
        });
    }

    @Test
    void annotatedMethodsAreObservedWithoutReactor() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Flux.class))
            .withBean(Models.class)
            .run((context) -> {
                Models models = context.getBean(Models.class);
                assertThat(AopUtils.isAopProxy(models)).isTrue();
                models.chat("gpt-4o");
                assertThat(context.getBean(MeterRegistry.class)
                    .get("gen_ai.client.operation.duration")
                    .tag("gen_ai.request.model", "gpt-4o")
                    .tag("gen_ai.response.model", "gpt-4o-2024-08-06")
                    .timer()
                    .count()).isEqualTo(1);
            });
    }

    @Test
    void springAiResponsesAreReadWhenSpringAiIsPresent() {
        this.contextRunner
            .run((context) -> assertThat(context.getBean(TokenUsageExtractors.class).extract(chatResponse()))
                .isEqualTo(new TokenUsage(40, 8, TokenUsage.UNKNOWN, "gpt-4o", List.of())));
    }

    @Test
    void noSpringAiExtractorWithoutSpringAi() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ChatResponse.class))
            .run((context) -> assertThat(context.getBean(TokenUsageExtractors.class).extract(chatResponse())).isNull());
    }

    @Test
    void blankOperationFailsStartupNamingTheMethod() {
        this.contextRunner.withBean(BlankOperation.class)
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessage("@TracedInference on " + BlankOperation.class.getName() + ".chat has a blank operation"));
    }

    @Test
    void twoModelArgumentsFailStartupNamingTheMethod() {
        this.contextRunner.withBean(TwoModels.class)
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessage("@InferenceModel is on more than one parameter of " + TwoModels.class.getName() + ".chat"));
    }

    private static InferenceRecorder recorder() {
        return new InferenceRecorder(ObservationRegistry.NOOP, null, new TokenUsageExtractors(List.of()),
                ContentCapture.DISABLED, "openai", CacheMetrics.NONE);
    }

    private static ChatResponse chatResponse() {
        return new ChatResponse(List.of(new Generation(new AssistantMessage("hi"))),
                ChatResponseMetadata.builder().model("gpt-4o").usage(new DefaultUsage(40, 8)).build());
    }

    public static class LlmConvention extends DefaultInferenceObservationConvention {

        @Override
        public String getContextualName(InferenceObservationContext context) {
            return "llm " + context.getRequestModel();
        }

    }

    public static class Models {

        @TracedInference
        public Map<String, Object> chat(@InferenceModel String model) {
            return Map.of("model", model + "-2024-08-06", "usage", Map.of("prompt_tokens", 3));
        }

    }

    public static class BlankOperation {

        @TracedInference(operation = " ")
        public String chat(String prompt) {
            return prompt;
        }

    }

    public static class TwoModels {

        @TracedInference
        public String chat(@InferenceModel String model, @InferenceModel String fallback) {
            return model;
        }

    }

}
