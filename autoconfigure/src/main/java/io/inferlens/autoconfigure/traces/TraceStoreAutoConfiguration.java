package io.inferlens.autoconfigure.traces;

import io.inferlens.autoconfigure.actuate.InferlensEndpointAutoConfiguration;
import io.inferlens.autoconfigure.logs.TraceLogsAutoConfiguration;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.traces.InMemoryTraceStore;
import io.inferlens.traces.OpenTelemetryTraceStoreSpanProcessor;
import io.inferlens.traces.TraceStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the trace store: an {@link InMemoryTraceStore} keeping recent
 * traces within the bounds of {@code inferlens.trace-store.*}, with the log events of the
 * {@link TraceLogStore} when there is one, and, when the OpenTelemetry SDK is on the
 * classpath, an {@link OpenTelemetryTraceStoreSpanProcessor} feeding it.
 * <p>
 * Spring Boot's OpenTelemetry tracing auto-configuration adds every {@code SpanProcessor}
 * bean to the tracer provider, so the store receives the spans that are sampled, whether
 * or not they are also exported. Sampling is Boot's
 * {@code management.tracing.sampling.probability}.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = TraceLogsAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@Conditional(TraceStoreAutoConfiguration.OnEnabledOrRead.class)
@EnableConfigurationProperties(TraceStoreProperties.class)
public final class TraceStoreAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean(TraceStore.class)
    InMemoryTraceStore inferlensTraceStore(TraceStoreProperties properties, ObjectProvider<TraceLogStore> logs) {
        return new InMemoryTraceStore(properties.getMaxTraces(), properties.getMaxSpansPerTrace(),
                properties.getMaxAttributeValueLength(), logs.getIfUnique());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.opentelemetry.sdk.trace.SpanProcessor")
    static class OpenTelemetryConfiguration {

        @Bean
        @ConditionalOnMissingBean
        OpenTelemetryTraceStoreSpanProcessor inferlensTraceStoreSpanProcessor(TraceStore store) {
            return new OpenTelemetryTraceStoreSpanProcessor(store);
        }

    }

    /**
     * On when {@code inferlens.trace-store.enabled} is {@code true}, or when it is not
     * set and the {@code inferlens} endpoint is there to read the trace store.
     */
    static final class OnEnabledOrRead extends AnyNestedCondition {

        OnEnabledOrRead() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBooleanProperty("inferlens.trace-store.enabled")
        static class Enabled {

        }

        @ConditionalOnBooleanProperty(name = "inferlens.trace-store.enabled", matchIfMissing = true)
        @ConditionalOnBean(type = InferlensEndpointAutoConfiguration.ENDPOINT_TYPE)
        static class ReadByEndpoint {

        }

    }

}
