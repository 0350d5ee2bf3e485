package io.inferlens.traced;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.inferlens.annotation.SpanKind;
import io.inferlens.annotation.Traced;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
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
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @Traced} methods in an application context with Boot's own observation, metrics
 * and OpenTelemetry tracing auto-configurations, spans collected by the OpenTelemetry
 * SDK's in-memory exporter.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class TracedObservationIntegrationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class,
                MicrometerTracingAutoConfiguration.class, OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class, MetricsAutoConfiguration.class,
                SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
                AopAutoConfiguration.class, TracedAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .withUserConfiguration(SpanCollection.class, Sampling.class, Services.class);

    @Test
    void callProducesSpanWithKindAttributesAndTimerWithErrorType() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            SpanData span = span(context, "demo.inner");
            assertThat(span.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.CLIENT);
            assertThat(span.getAttributes().get(AttributeKey.stringKey("tier"))).isEqualTo("gold");
            assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isNull();
            assertThat(span.getAttributes().get(AttributeKey.stringKey("code.function.name")))
                .isEqualTo(Inner.class.getName() + ".call");
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("demo.inner").tag("error.type", "").tag("tier", "gold").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void nestedCallsShareTheTraceAsParentAndChild() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            SpanData outer = span(context, "demo.outer");
            SpanData inner = span(context, "demo.inner");
            assertThat(outer.getKind()).isEqualTo(io.opentelemetry.api.trace.SpanKind.INTERNAL);
            assertThat(inner.getTraceId()).isEqualTo(outer.getTraceId());
            assertThat(inner.getParentSpanId()).isEqualTo(outer.getSpanId());
        });
    }

    @Test
    void failureIsAnErrorSpanWithExceptionEventAndCountedAsError() {
        this.contextRunner.run((context) -> {
            assertThatThrownBy(() -> context.getBean(Inner.class).fail()).isInstanceOf(IOException.class)
                .hasMessage("model unavailable");
            SpanData span = span(context, "demo.fail");
            assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(span.getEvents()).anySatisfy((event) -> {
                assertThat(event.getName()).isEqualTo("exception");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("exception.type")))
                    .isEqualTo(IOException.class.getName());
            });
            assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(IOException.class.getName());
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.get("demo.fail").tag("error.type", IOException.class.getName()).timer().count())
                .isEqualTo(1);
        });
    }

    @Test
    void samplerSeesTheOperationNameAndKindWhenTheSpanStarts() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            assertThat(context.getBean(RecordingSampler.class).seen).contains("demo.outer|INTERNAL",
                    "demo.inner|CLIENT");
        });
    }

    @Test
    void callerContextIsRestoredAfterTheCall() {
        this.contextRunner.run((context) -> {
            Tracer tracer = context.getBean(Tracer.class);
            context.getBean(Outer.class).call();
            assertThat(tracer.currentSpan()).isNull();
            context.getBean(InMemorySpanExporter.class).reset();
            Span parent = tracer.nextSpan().name("caller").start();
            try (Tracer.SpanInScope scope = tracer.withSpan(parent)) {
                context.getBean(Outer.class).call();
                assertThat(tracer.currentSpan()).isEqualTo(parent);
            }
            finally {
                parent.end();
            }
            assertThat(span(context, "demo.outer").getParentSpanId()).isEqualTo(parent.context().spanId());
        });
    }

    @Test
    void timerHasNoLongTaskTimerBesideIt() {
        this.contextRunner.run((context) -> {
            context.getBean(Outer.class).call();
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            assertThat(meters.find("demo.inner.active").meters()).isEmpty();
            assertThat(meters.get("demo.inner").timers()).hasSize(1);
        });
    }

    @Test
    void observedWithoutAspectJOnTheClasspath() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.aspectj")).run((context) -> {
            assertThat(context).doesNotHaveBean(AnnotationAwareAspectJAutoProxyCreator.class);
            context.getBean(Outer.class).call();
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactly("demo.inner", "demo.outer");
        });
    }

    @Test
    void observationRegistryIsNotCreatedEarlyByTheAdvisor(CapturedOutput output) {
        this.contextRunner.run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(output).doesNotContain("observationRegistry")
                .doesNotContain("not eligible for getting processed");
        });
    }

    @Test
    void conventionBeanIsUsedAndTheEnableSwitchStillApplies() {
        this.contextRunner.withBean(TracedObservationConvention.class, () -> new TracedObservationConvention() {
            @Override
            public KeyValues getLowCardinalityKeyValues(TracedObservationContext context) {
                return KeyValues.of("team", "search");
            }
        }).withPropertyValues("management.observations.enable.demo.inner=false").run((context) -> {
            context.getBean(Outer.class).call();
            SpanData outer = span(context, "demo.outer");
            assertThat(outer.getAttributes().get(AttributeKey.stringKey("team"))).isEqualTo("search");
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactly("demo.outer");
        });
    }

    @Test
    void reservedAttributeKeyFailsStartupNamingTheKey() {
        this.contextRunner.withBean(Invalid.class).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("@Traced attribute key 'error'")
                .hasMessageContaining(Invalid.class.getName() + ".run");
        });
    }

    @Test
    void managementObservationsEnableCanTurnOffAnOperation() {
        this.contextRunner.withPropertyValues("management.observations.enable.demo.inner=false").run((context) -> {
            context.getBean(Outer.class).call();
            assertThat(context.getBean(InMemorySpanExporter.class).getFinishedSpanItems()).extracting(SpanData::getName)
                .containsExactly("demo.outer");
        });
    }

    private static SpanData span(org.springframework.context.ApplicationContext context, String name) {
        return context.getBean(InMemorySpanExporter.class)
            .getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name));
    }

    @Configuration(proxyBeanMethods = false)
    static class Sampling {

        @Bean
        RecordingSampler recordingSampler() {
            return new RecordingSampler();
        }

    }

    static class RecordingSampler implements Sampler {

        final List<String> names = new CopyOnWriteArrayList<>();

        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public SamplingResult shouldSample(Context parentContext, String traceId, String name,
                io.opentelemetry.api.trace.SpanKind spanKind, Attributes attributes, List<LinkData> parentLinks) {
            this.names.add(name);
            this.seen.add(name + "|" + spanKind);
            return SamplingResult.recordAndSample();
        }

        @Override
        public String getDescription() {
            return "recording";
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class Services {

        @Bean
        Inner inner() {
            return new Inner();
        }

        @Bean
        Outer outer(Inner inner) {
            return new Outer(inner);
        }

    }

    public static class Outer {

        private final Inner inner;

        public Outer(Inner inner) {
            this.inner = inner;
        }

        @Traced("demo.outer")
        public String call() {
            return this.inner.call();
        }

    }

    public static class Invalid {

        @Traced(attributes = @Traced.Attribute(key = "error", value = "x"))
        public void run() {
        }

    }

    public static class Inner {

        @Traced(value = "demo.inner", kind = SpanKind.CLIENT,
                attributes = @Traced.Attribute(key = "tier", value = "gold"))
        public String call() {
            return "answer";
        }

        @Traced("demo.fail")
        public String fail() throws IOException {
            throw new IOException("model unavailable");
        }

    }

}
