package io.inferlens.sample;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Collects finished spans in memory, through the OpenTelemetry SDK that Boot configures,
 * so that tests can inspect the traces the application produces.
 *
 * @author Inferlens
 */
@TestConfiguration(proxyBeanMethods = false)
public class SpanCollectionConfiguration {

    @Bean
    InMemorySpanExporter inMemorySpanExporter() {
        return InMemorySpanExporter.create();
    }

    @Bean
    SpanProcessor inMemorySpanProcessor(InMemorySpanExporter exporter) {
        return SimpleSpanProcessor.create(exporter);
    }

}
