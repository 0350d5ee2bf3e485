package io.inferlens.autoconfigure.tracing;

import io.inferlens.tracing.MaskingSpanExporter;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;

/**
 * Wraps each exporter of the {@link SpanExporters} that Spring Boot's batch span
 * processor sends spans through (Zipkin, OTLP, any {@code SpanExporter} bean) in a
 * {@link MaskingSpanExporter}, so that secrets in exception messages are masked before
 * they leave the application. The exporter beans themselves are left as they are.
 *
 * @author Inferlens
 */
class MaskingSpanExportersPostProcessor implements BeanPostProcessor {

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof SpanExporters exporters
                && !exporters.list().stream().allMatch(MaskingSpanExporter.class::isInstance)) {
            return SpanExporters.of(exporters.list()
                .stream()
                .map((exporter) -> (exporter instanceof MaskingSpanExporter) ? exporter
                        : new MaskingSpanExporter(exporter))
                .toList());
        }
        return bean;
    }

}
