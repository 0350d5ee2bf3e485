package io.inferlens.autoconfigure.tracing;

import io.inferlens.tracing.ConsoleSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of what Inferlens adds to Spring Boot's OpenTelemetry tracing,
 * keeping Boot's behaviour when its properties are not set: sampling rules by root span
 * name ({@code inferlens.tracing.sampling.rules}) wrapped around Boot's sampler, a
 * console span exporter for development ({@code inferlens.tracing.console.enabled}),
 * which Boot's span processor picks up like any other {@link SpanExporter} bean, and the
 * resource attributes {@code service.version} (from {@link BuildProperties}) and
 * {@code deployment.environment.name} ({@code inferlens.tracing.environment}) under the
 * ones Boot sets.
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

    @Configuration(proxyBeanMethods = false)
    static class SamplingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        static SamplingRulesPostProcessor inferlensSamplingRulesPostProcessor(
                ObjectProvider<InferlensTracingProperties> properties) {
            return new SamplingRulesPostProcessor(properties);
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

}
