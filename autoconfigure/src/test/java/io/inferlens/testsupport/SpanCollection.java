package io.inferlens.testsupport;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Collects every span the application ends, synchronously, in OpenTelemetry's
 * {@link InMemorySpanExporter} (a bean, for tests to read), next to whatever exporters
 * Boot configures: Boot's tracing auto-configuration adds every {@link SpanProcessor}
 * bean to the SDK's tracer provider.
 *
 * @author Inferlens
 */
@Configuration(proxyBeanMethods = false)
public class SpanCollection {

    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }

    @Bean
    SpanProcessor inMemorySpanProcessor(InMemorySpanExporter exporter) {
        return SimpleSpanProcessor.create(exporter);
    }

}
