package io.inferlens.routing;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.inferlens.annotation.TracedRouting;
import io.inferlens.autoconfigure.errors.ErrorsAutoConfiguration;
import io.inferlens.autoconfigure.routing.RoutingAutoConfiguration;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.context.ContextExecutorService;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.aop.aspectj.annotation.AnnotationAwareAspectJAutoProxyCreator;
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
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * A {@link TracedRouting @TracedRouting} router in an application context with Boot's own
 * observation, metrics and OpenTelemetry tracing auto-configurations, spans collected by
 * the OpenTelemetry SDK's in-memory exporter. The router scores its candidates in
 * parallel on an executor that propagates the current observation.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class RoutingObservationIntegrationTests {

    private static final List<String> MODELS = List.of("lightweight", "balanced", "powerful");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                AopAutoConfiguration.class, ErrorsAutoConfiguration.class, RoutingAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .withUserConfiguration(SpanCollection.class, Routers.class);

    @Test
    void routingCallIsASpanTreeWithOneModelInferenceChildPerCandidateScoredInParallel() {
        this.contextRunner.run((context) -> {
            Choice choice = context.getBean(Router.class).route("summarise this contract");
            assertThat(choice.target()).isEqualTo("powerful");
            assertSpanTree(context);
        });
    }

    @Test
    void routingCallIsObservedWithoutAspectJOnTheClasspath() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.aspectj")).run((context) -> {
            assertThat(context).doesNotHaveBean(AnnotationAwareAspectJAutoProxyCreator.class);
            context.getBean(Router.class).route("summarise this contract");
            assertSpanTree(context);
        });
    }

    @Test
    void routingCallIsRecordedInEveryMeterFamily() {
        this.contextRunner.run((context) -> {
            context.getBean(Router.class).route("summarise this contract");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("inferlens.routing.requests").tag("error.type", "").counter().count()).isEqualTo(1);
            Timer latency = meters.get("inferlens.routing.latency").timer();
            assertThat(latency.count()).isEqualTo(1);
            assertThat(latency.takeSnapshot().histogramCounts()).hasSize(12);
            assertThat(meters.get("inferlens.routing.decisions").tag("target", "powerful").counter().count())
                .isEqualTo(1);
            assertThat(meters.get("inferlens.routing.confidence").tag("target", "powerful").summary().totalAmount())
                .isEqualTo(83);
            assertThat(meters.get("inferlens.routing.uncertainty").tag("target", "powerful").summary().totalAmount())
                .isEqualTo(12);
            assertThat(meters.get("inferlens.routing.candidates").tag("batch_size_range", "1-10").counter().count())
                .isEqualTo(3);
            assertThat(meters.get("inferlens.feature_engineering.duration")
                .tag("batch_size_range", "11-50")
                .timer()
                .count()).isEqualTo(1);
            for (String model : MODELS) {
                assertThat(meters.get("inferlens.model_inference.duration").tag("model_type", model).timer().count())
                    .isEqualTo(1);
            }
            // Boot's default meter handler is not asked about routing observations
            for (RoutingStage stage : RoutingStage.builtIn()) {
                assertThat(meters.find(stage.getObservationName()).meters()).isEmpty();
                assertThat(meters.find(stage.getObservationName() + ".active").meters()).isEmpty();
            }
        });
    }

    @Test
    void failingRoutingCallIsAFailureWithItsErrorRecorded() {
        this.contextRunner.run((context) -> {
            assertThatIllegalStateException().isThrownBy(() -> context.getBean(Router.class).fail())
                .withMessage("every breaker is open");
            SpanData routing = spans(context).get(0);
            assertThat(spans(context)).hasSize(1);
            assertThat(routing.getName()).isEqualTo("routing_request");
            assertThat(routing.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(routing.getEvents()).anySatisfy((event) -> {
                assertThat(event.getName()).isEqualTo("exception");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
                    .isEqualTo(IllegalStateException.class.getName());
            });
            assertThat(routing.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IllegalStateException.class.getName());
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("inferlens.routing.requests")
                .tag("error.type", IllegalStateException.class.getName())
                .counter()
                .count()).isEqualTo(1);
            assertThat(meters.find("inferlens.routing.requests").tag("error.type", "").counter()).isNull();
            assertThat(meters.get("inferlens.routing.latency").timer().count()).isEqualTo(1);
            assertThat(meters.get("inferlens.errors")
                .tag("operation", "routing_request")
                .tag("error.type", "java.lang.IllegalStateException")
                .counter()
                .count()).isEqualTo(1);
        });
    }

    @Test
    void aStageCanBeTurnedOffWithManagementObservationsEnable() {
        this.contextRunner.withPropertyValues("management.observations.enable.inferlens.routing.model_inference=false")
            .run((context) -> {
                context.getBean(Router.class).route("summarise this contract");
                assertThat(spans(context)).extracting(SpanData::getName)
                    .containsExactlyInAnyOrder("feature_engineering", "uncertainty_estimation", "circuit_breaker_check",
                            "routing_request");
                assertThat(context.getBean(MeterRegistry.class).find("inferlens.model_inference.duration").meters())
                    .isEmpty();
            });
    }

    @Test
    void observationRegistryIsNotCreatedEarlyByTheAdvisor(CapturedOutput output) {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(output).doesNotContain("not eligible for getting processed");
        });
    }

    private static void assertSpanTree(AssertableApplicationContext context) {
        List<SpanData> spans = spans(context);
        assertThat(spans).hasSize(7);
        SpanData routing = spans.stream()
            .filter((span) -> span.getName().equals("routing_request"))
            .findFirst()
            .orElseThrow();
        assertThat(routing.getParentSpanId()).isEqualTo(SpanId.getInvalid());
        assertThat(spans).filteredOn((span) -> span != routing).allSatisfy((span) -> {
            assertThat(span.getTraceId()).isEqualTo(routing.getTraceId());
            assertThat(span.getParentSpanId()).isEqualTo(routing.getSpanId());
        });
        assertThat(spans).extracting(SpanData::getName)
            .containsExactlyInAnyOrder("routing_request", "feature_engineering", "model_inference", "model_inference",
                    "model_inference", "uncertainty_estimation", "circuit_breaker_check");
        assertThat(spans).filteredOn((span) -> span.getName().equals("model_inference"))
            .extracting((span) -> span.getAttributes().get(AttributeKey.stringKey("model_type")))
            .containsExactlyInAnyOrderElementsOf(MODELS);
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("inferlens.routing.target")))
            .isEqualTo("powerful");
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("inferlens.routing.confidence")))
            .isEqualTo("0.83");
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("inferlens.routing.uncertainty")))
            .isEqualTo("0.12");
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("inferlens.routing.candidates"))).isEqualTo("3");
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
    }

    private static List<SpanData> spans(AssertableApplicationContext context) {
        return context.getBean(InMemorySpanExporter.class).getFinishedSpanItems();
    }

    @Configuration(proxyBeanMethods = false)
    static class Routers {

        @Bean(destroyMethod = "shutdownNow")
        ExecutorService scoringExecutor() {
            return ContextExecutorService.wrap(Executors.newFixedThreadPool(MODELS.size()),
                    ContextSnapshotFactory.builder().build());
        }

        @Bean
        Router router(RoutingRecorder recorder, ExecutorService scoringExecutor) {
            return new Router(recorder, scoringExecutor);
        }

    }

    public record Choice(String target, double confidence, double uncertainty,
            int candidateCount) implements RoutingDecision {

    }

    public static class Router {

        private final RoutingRecorder recorder;

        private final ExecutorService executor;

        public Router(RoutingRecorder recorder, ExecutorService executor) {
            this.recorder = recorder;
            this.executor = executor;
        }

        @TracedRouting
        public Choice route(String prompt) throws Exception {
            double length = this.recorder.featureEngineering(12, () -> (double) prompt.length());
            List<Future<Double>> scores = MODELS.stream()
                .map((model) -> this.executor
                    .submit(() -> this.recorder.modelInference(model, () -> length / (MODELS.indexOf(model) + 1))))
                .toList();
            for (Future<Double> score : scores) {
                score.get();
            }
            double uncertainty = this.recorder.uncertaintyEstimation(() -> 0.12);
            boolean permitted = this.recorder.circuitBreakerCheck("powerful", () -> true);
            return new Choice(permitted ? "powerful" : "lightweight", 0.83, uncertainty, scores.size());
        }

        @TracedRouting
        public Choice fail() {
            throw new IllegalStateException("every breaker is open");
        }

    }

}
