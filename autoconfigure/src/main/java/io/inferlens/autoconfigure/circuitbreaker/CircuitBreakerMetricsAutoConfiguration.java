package io.inferlens.autoconfigure.circuitbreaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.OpenTelemetryTransitionListener;
import io.inferlens.circuitbreaker.Resilience4jCircuitBreakerBinder;
import io.inferlens.circuitbreaker.TracerTransitionListener;
import io.inferlens.circuitbreaker.TransitionListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of circuit breaker observability: {@link CircuitBreakerMetrics} (the
 * {@code inferlens.circuit_breaker.state} gauge and the state-transition span events),
 * bound to every Resilience4j {@link CircuitBreakerRegistry} bean when Resilience4j is on
 * the class path. Other implementations bind their breakers to the
 * {@link CircuitBreakerMetrics} bean themselves.
 * <p>
 * Transitions go to OpenTelemetry's current span when {@code opentelemetry-api} is on the
 * class path, else to Micrometer Tracing's current span, else nowhere (an application
 * tracing with Brave that has {@code opentelemetry-api} on its class path defines a
 * {@link TracerTransitionListener} bean). Registries are bound once all singletons are
 * instantiated, so that registries defined by any configuration, in any order, are found.
 * Circuit breaker names are expected to be unique across registries; of two breakers with
 * the same name, the gauge reads the last bound.
 *
 * @author Inferlens
 */
@AutoConfiguration(afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "inferlens.circuit-breakers.enabled", matchIfMissing = true)
@EnableConfigurationProperties(InferlensCircuitBreakersProperties.class)
public final class CircuitBreakerMetricsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(MeterRegistry.class)
    CircuitBreakerMetrics circuitBreakerMetrics(MeterRegistry meterRegistry,
            ObjectProvider<TransitionListener> transitionListener) {
        return new CircuitBreakerMetrics(meterRegistry, transitionListener.getIfUnique(() -> TransitionListener.NOOP));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.opentelemetry.api.trace.Span")
    static class OpenTelemetryTransitionListenerConfiguration {

        @Bean
        @ConditionalOnMissingBean(TransitionListener.class)
        OpenTelemetryTransitionListener circuitBreakerTransitionListener() {
            return new OpenTelemetryTransitionListener();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    @ConditionalOnMissingClass("io.opentelemetry.api.trace.Span")
    static class TracerTransitionListenerConfiguration {

        @Bean
        @ConditionalOnMissingBean(TransitionListener.class)
        @ConditionalOnBean(Tracer.class)
        TracerTransitionListener circuitBreakerTransitionListener(Tracer tracer) {
            return new TracerTransitionListener(tracer);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(CircuitBreakerRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class Resilience4jConfiguration {

        @Bean
        @ConditionalOnMissingBean
        Resilience4jCircuitBreakerBinder resilience4jCircuitBreakerBinder(CircuitBreakerMetrics circuitBreakerMetrics) {
            return new Resilience4jCircuitBreakerBinder(circuitBreakerMetrics);
        }

        // Binds after all singletons exist rather than in a post-processor: registries
        // are found wherever and in whatever order they are defined, and none is created
        // early.
        @Bean
        SmartInitializingSingleton resilience4jCircuitBreakerRegistriesBinding(
                ObjectProvider<CircuitBreakerRegistry> registries, Resilience4jCircuitBreakerBinder binder) {
            return () -> registries.orderedStream().forEach(binder::bindTo);
        }

    }

}
