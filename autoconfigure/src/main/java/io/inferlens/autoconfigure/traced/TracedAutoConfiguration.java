package io.inferlens.autoconfigure.traced;

import io.inferlens.traced.TracedAspect;
import io.inferlens.traced.TracedObservationConvention;
import io.inferlens.traced.TracedTracingObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.aspectj.weaver.Advice;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration for {@link io.inferlens.annotation.Traced @Traced} methods: the
 * aspect that observes them and the tracing handler that starts their spans with name and
 * kind. Ordered after Boot's observation, tracing and metrics auto-configurations, whose
 * beans it uses.
 *
 * @author Inferlens
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferlensAnnotationsProperties.class)
public final class TracedAutoConfiguration {

    /**
     * {@code @Order} of {@link TracedTracingObservationHandler}: ahead of Micrometer's
     * default tracing handler ({@code Ordered.LOWEST_PRECEDENCE - 1000}), so that it is
     * the one chosen for {@code @Traced} observations.
     */
    public static final int TRACED_TRACING_OBSERVATION_HANDLER_ORDER = Ordered.LOWEST_PRECEDENCE - 1100;

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Advice.class)
    @ConditionalOnBooleanProperty(name = "inferlens.annotations.enabled", matchIfMissing = true)
    static class TracedAspectConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        TracedAspect tracedAspect(ObservationRegistry observationRegistry,
                ObjectProvider<TracedObservationConvention> convention) {
            return new TracedAspect(observationRegistry, convention.getIfUnique(), (pjp) -> false);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class TracedTracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        @Order(TRACED_TRACING_OBSERVATION_HANDLER_ORDER)
        TracedTracingObservationHandler tracedTracingObservationHandler(Tracer tracer) {
            return new TracedTracingObservationHandler(tracer);
        }

    }

}
