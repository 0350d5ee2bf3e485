package io.inferlens.autoconfigure.tracing;

import java.util.List;

import io.inferlens.tracing.ConsoleSpanExporter;
import io.micrometer.tracing.otel.bridge.BaggageTaggingSpanProcessor;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of what Inferlens adds to Spring Boot's OpenTelemetry tracing,
 * keeping Boot's behaviour when its properties are not set: sampling rules by root span
 * name ({@code inferlens.tracing.sampling.rules}) wrapped around Boot's sampler, a
 * console span exporter for development ({@code inferlens.tracing.console.enabled}),
 * which Boot's span processor picks up like any other {@link SpanExporter} bean, and the
 * resource attributes {@code service.version} (from {@link BuildProperties}) and
 * {@code deployment.environment.name} ({@code inferlens.tracing.environment}) under the
 * ones Boot sets, secrets masked in the exception messages of exported spans
 * ({@code inferlens.tracing.export.mask-secrets}), and a startup failure naming the key
 * when {@code management.tracing.sampling.probability} is outside 0 to 1.
 *
 * @author Inferlens
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass({ SdkTracerProvider.class, Resource.class })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferlensTracingProperties.class)
public final class TracingAutoConfiguration {

    static final String BAGGAGE_TAG_FIELDS = "management.tracing.baggage.tag-fields";

    @Configuration(proxyBeanMethods = false)
    static class SamplingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static SamplingRulesPostProcessor inferlensSamplingRulesPostProcessor(
                ObjectProvider<InferlensTracingProperties> properties) {
            return new SamplingRulesPostProcessor(properties);
        }

        @Bean
        @ConditionalOnMissingBean
        static SamplingProbabilityValidator inferlensSamplingProbabilityValidator(Environment environment) {
            return new SamplingProbabilityValidator(environment);
        }

    }

    /**
     * Masks secrets in exception messages on the spans Boot's batch span processor
     * exports.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters")
    @ConditionalOnBooleanProperty(name = "inferlens.tracing.export.mask-secrets", matchIfMissing = true)
    static class MaskingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static MaskingSpanExportersPostProcessor inferlensMaskingSpanExportersPostProcessor() {
            return new MaskingSpanExportersPostProcessor();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBooleanProperty("inferlens.tracing.console.enabled")
    static class ConsoleConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ConsoleSpanExporter inferlensConsoleSpanExporter() {
            return new ConsoleSpanExporter();
        }

    }

    @Configuration(proxyBeanMethods = false)
    static class ResourceConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static ResourceDefaultsPostProcessor inferlensResourceDefaultsPostProcessor(
                ObjectProvider<InferlensTracingProperties> properties,
                ObjectProvider<BuildProperties> buildProperties) {
            return new ResourceDefaultsPostProcessor(properties, buildProperties);
        }

    }

    /**
     * Tags spans with the baggage fields listed in Boot's
     * {@code management.tracing.baggage.tag-fields}, which Boot 4.1.2 reads but never
     * applies with OpenTelemetry (it registers no {@link BaggageTaggingSpanProcessor}):
     * only code that reads the baggage through Micrometer's {@code Tracer} would tag the
     * current span. Backs off when a processor of that type is defined, as a later Boot
     * does.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.tracing.otel.bridge.BaggageTaggingSpanProcessor")
    @Conditional(OnBaggageTagFields.class)
    static class BaggageTaggingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        BaggageTaggingSpanProcessor inferlensBaggageTaggingSpanProcessor(Environment environment) {
            return new BaggageTaggingSpanProcessor(baggageTagFields(environment));
        }

    }

    static List<String> baggageTagFields(Environment environment) {
        return Binder.get(environment)
            .bind(BAGGAGE_TAG_FIELDS, Bindable.listOf(String.class))
            .orElse(List.of())
            .stream()
            .map(String::trim)
            .filter((field) -> !field.isEmpty())
            .toList();
    }

    /**
     * Matches when {@code management.tracing.baggage.tag-fields} lists a field.
     */
    static final class OnBaggageTagFields extends SpringBootCondition {

        @Override
        public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
            List<String> fields = baggageTagFields(context.getEnvironment());
            return fields.isEmpty() ? ConditionOutcome.noMatch(BAGGAGE_TAG_FIELDS + " is empty")
                    : ConditionOutcome.match(BAGGAGE_TAG_FIELDS + " lists " + fields);
        }

    }

}
