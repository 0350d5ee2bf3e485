package io.inferlens.autoconfigure.tracing;

import io.inferlens.tracing.ConsoleSpanExporter;
import io.inferlens.tracing.MaskingSpanExporter;
import io.inferlens.tracing.RuleBasedSampler;
import io.inferlens.tracing.SamplingRule;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TracingAutoConfiguration} with Boot's OpenTelemetry
 * auto-configurations.
 *
 * @author Inferlens
 */
class TracingAutoConfigurationTests {

    private static final String BOOT_DEFAULT_SAMPLER = Sampler.parentBased(Sampler.traceIdRatioBased(0.1))
        .getDescription();

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(OpenTelemetrySdkAutoConfiguration.class,
                OpenTelemetryTracingAutoConfiguration.class, TracingAutoConfiguration.class));

    @Test
    void bootsSamplerIsNotWrappedWithoutRules() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(Sampler.class);
            assertThat(context.getBean(Sampler.class)).isNotInstanceOf(RuleBasedSampler.class);
            assertThat(context.getBean(Sampler.class).getDescription()).isEqualTo(BOOT_DEFAULT_SAMPLER);
        });
    }

    @Test
    void bootsSamplerIsWrappedWithTheRulesInOrder() {
        this.contextRunner
            .withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=routing_request",
                    "inferlens.tracing.sampling.rules[0].probability=0.01",
                    "inferlens.tracing.sampling.rules[1].pattern=chat sim-large",
                    "inferlens.tracing.sampling.rules[1].probability=1.0")
            .run((context) -> {
                RuleBasedSampler sampler = context.getBean(RuleBasedSampler.class);
                assertThat(sampler.getRules()).containsExactly(new SamplingRule("routing_request", 0.01),
                        new SamplingRule("chat sim-large", 1.0));
                assertThat(sampler.getDelegate().getDescription()).isEqualTo(BOOT_DEFAULT_SAMPLER);
            });
    }

    @Test
    void bootsSamplerPropertiesStillConfigureTheDelegate() {
        this.contextRunner
            .withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=1",
                    "management.opentelemetry.tracing.sampler=trace_id_ratio",
                    "management.tracing.sampling.probability=0.25")
            .run((context) -> assertThat(context.getBean(RuleBasedSampler.class).getDelegate().getDescription())
                .isEqualTo(Sampler.traceIdRatioBased(0.25).getDescription()));
    }

    @Test
    void userSamplerIsNotWrapped() {
        Sampler userSampler = Sampler.alwaysOn();
        this.contextRunner.withBean(Sampler.class, () -> userSampler)
            .withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=0")
            .run((context) -> assertThat(context.getBean(Sampler.class)).isSameAs(userSampler));
    }

    @Test
    void probabilityOutOfRangeFailsStartupNamingTheKey() {
        this.contextRunner
            .withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=1.5")
            .run((context) -> assertInvalid(context, "inferlens.tracing.sampling.rules[0].probability", 1.5,
                    "between 0 and 1"));
        this.contextRunner
            .withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=0.5",
                    "inferlens.tracing.sampling.rules[1].pattern=embed *",
                    "inferlens.tracing.sampling.rules[1].probability=-0.1")
            .run((context) -> assertInvalid(context, "inferlens.tracing.sampling.rules[1].probability", -0.1,
                    "between 0 and 1"));
    }

    @Test
    void blankPatternFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *",
                "inferlens.tracing.sampling.rules[0].probability=0.5", "inferlens.tracing.sampling.rules[1].pattern= ",
                "inferlens.tracing.sampling.rules[1].probability=0.5")
            .run((context) -> assertInvalid(context, "inferlens.tracing.sampling.rules[1].pattern", "",
                    "span name pattern"));
    }

    @Test
    void missingProbabilityFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.tracing.sampling.rules[0].pattern=chat *")
            .run((context) -> assertInvalid(context, "inferlens.tracing.sampling.rules[0].probability", null,
                    "needs a probability"));
    }

    @Test
    void consoleExporterIsOffByDefault() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ConsoleSpanExporter.class));
    }

    @Test
    void consoleExporterIsOneOfBootsSpanExportersWhenEnabled() {
        this.contextRunner.withPropertyValues("inferlens.tracing.console.enabled=true").run((context) -> {
            assertThat(context).hasSingleBean(ConsoleSpanExporter.class);
            assertThat(context.getBean(SpanExporters.class).list())
                .extracting((exporter) -> ((MaskingSpanExporter) exporter).getDelegate())
                .contains(context.getBean(ConsoleSpanExporter.class));
        });
    }

    @Test
    void everyExporterOfBootsSpanProcessorMasksSecrets() {
        this.contextRunner.withBean(InMemorySpanExporter.class, InMemorySpanExporter::create).run((context) -> {
            assertThat(context.getBean(SpanExporters.class).list()).singleElement()
                .isInstanceOfSatisfying(MaskingSpanExporter.class, (exporter) -> assertThat(exporter.getDelegate())
                    .isSameAs(context.getBean(InMemorySpanExporter.class)));
            assertThat(context.getBean(InMemorySpanExporter.class)).isNotInstanceOf(MaskingSpanExporter.class);
        });
    }

    @Test
    void exportersAreLeftAsTheyAreWhenMaskingIsOff() {
        this.contextRunner.withBean(InMemorySpanExporter.class, InMemorySpanExporter::create)
            .withPropertyValues("inferlens.tracing.export.mask-secrets=false")
            .run((context) -> assertThat(context.getBean(SpanExporters.class).list())
                .containsExactly(context.getBean(InMemorySpanExporter.class)));
    }

    @Test
    void consoleExporterBacksOffWhenUserDefinesOne() {
        ConsoleSpanExporter userExporter = new ConsoleSpanExporter((line) -> {
        });
        this.contextRunner.withBean(ConsoleSpanExporter.class, () -> userExporter)
            .withPropertyValues("inferlens.tracing.console.enabled=true")
            .run((context) -> assertThat(context.getBean(ConsoleSpanExporter.class)).isSameAs(userExporter));
    }

    @Test
    void nothingIsAddedWhenInferlensIsDisabled() {
        this.contextRunner
            .withPropertyValues("inferlens.enabled=false", "inferlens.tracing.console.enabled=true",
                    "inferlens.tracing.sampling.rules[0].pattern=chat *",
                    "inferlens.tracing.sampling.rules[0].probability=0")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(ConsoleSpanExporter.class)
                    .doesNotHaveBean(SamplingRulesPostProcessor.class)
                    .doesNotHaveBean(ResourceDefaultsPostProcessor.class);
                assertThat(context.getBean(Sampler.class)).isNotInstanceOf(RuleBasedSampler.class);
            });
    }

    @Test
    void backsOffWithoutTheOpenTelemetrySdk() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry.sdk"))
            .withPropertyValues("inferlens.tracing.console.enabled=true")
            .run((context) -> assertThat(context).hasNotFailed()
                .doesNotHaveBean(SamplingRulesPostProcessor.class)
                .doesNotHaveBean(ResourceDefaultsPostProcessor.class)
                .doesNotHaveBean(InferlensTracingProperties.class));
    }

    private static void assertInvalid(AssertableApplicationContext context, String key, Object value, String reason) {
        assertThat(context).hasFailed();
        assertThat(context.getStartupFailure()).rootCause()
            .isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
                assertThat(ex.getName()).isEqualTo(key);
                assertThat(ex.getValue()).isEqualTo(value);
                assertThat(ex.getReason()).contains(reason);
            });
    }

    @Test
    void tagsSpansWithBootsBaggageTagFieldsWhichBootLeavesUnapplied() {
        this.contextRunner
            .withPropertyValues("management.tracing.sampling.probability=1.0",
                    "management.tracing.baggage.remote-fields=user.tier",
                    "management.tracing.baggage.tag-fields=user.tier, tenant")
            .run((context) -> {
                assertThat(context).hasSingleBean(io.micrometer.tracing.otel.bridge.BaggageTaggingSpanProcessor.class);
                io.opentelemetry.sdk.trace.SdkTracerProvider provider = context
                    .getBean(io.opentelemetry.sdk.trace.SdkTracerProvider.class);
                io.opentelemetry.api.trace.Span span = io.opentelemetry.context.Context.root()
                    .with(io.opentelemetry.api.baggage.Baggage.builder().put("user.tier", "gold").build())
                    .wrap(() -> provider.get("test").spanBuilder("tagged").startSpan())
                    .call();
                assertThat(((io.opentelemetry.sdk.trace.ReadableSpan) span)
                    .getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("user.tier"))).isEqualTo("gold");
                span.end();
            });
    }

    @Test
    void noBaggageTaggingWithoutTagFields() {
        this.contextRunner.run((context) -> assertThat(context)
            .doesNotHaveBean(io.micrometer.tracing.otel.bridge.BaggageTaggingSpanProcessor.class));
    }

}
