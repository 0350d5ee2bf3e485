package io.inferlens.sample;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
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

    /**
     * No exporter for Boot's batch span processor: it would otherwise pick up the
     * in-memory exporter bean too and hand it every span a second time, once its batch
     * delay had passed.
     * @return no exporters
     */
    @Bean
    SpanExporters spanExporters() {
        return SpanExporters.of();
    }

}
