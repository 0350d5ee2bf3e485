package io.inferlens.autoconfigure.routing;

import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.routing.RoutingDecisionExtractor;
import io.inferlens.routing.RoutingMeterObservationHandler;
import io.inferlens.routing.RoutingObservationConvention;
import io.inferlens.routing.RoutingRecorder;
import io.inferlens.routing.RoutingTracingObservationHandler;
import io.inferlens.spring.aop.RoutingMethodInterceptor;
import io.inferlens.spring.aop.RoutingPointcutAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;

import org.springframework.aop.Advisor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration for the instrumentation of routers: the {@link RoutingRecorder}, the
 * Spring AOP advisor that observes {@link io.inferlens.annotation.TracedRouting
 *
 * @TracedRouting} methods with it (unless {@code inferlens.annotations.enabled} is
 * false), the tracing handler that starts each stage's span with its name, and the meter
 * handler of the {@code inferlens.routing.*} meters. {@link RoutingDecisionExtractor}
 * beans are asked in order for the decision of results that do not implement
 * {@link io.inferlens.routing.RoutingDecision}. Ordered after Boot's observation, tracing
 * and metrics auto-configurations, whose beans it uses.
 * @author Inferlens
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = { "inferlens.enabled", "inferlens.routing.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(InferlensRoutingProperties.class)
public final class RoutingAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ObservationRegistry.class)
    RoutingRecorder routingRecorder(ObservationRegistry observationRegistry,
            ObjectProvider<RoutingObservationConvention> convention,
            ObjectProvider<RoutingDecisionExtractor> extractors) {
        return new RoutingRecorder(observationRegistry, convention.getIfUnique(), extractors.orderedStream().toList());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Advisor.class)
    @ConditionalOnBooleanProperty(name = "inferlens.annotations.enabled", matchIfMissing = true)
    static class RoutingAdvisorConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        RoutingMethodInterceptor routingMethodInterceptor(RoutingRecorder routingRecorder) {
            return new RoutingMethodInterceptor(routingRecorder);
        }

        /**
         * The advisor, of the infrastructure role so that Boot's
         * {@code InfrastructureAdvisorAutoProxyCreator} applies it when AspectJ is
         * absent, and static with a lazy interceptor: auto-proxy creators create advisors
         * early, and the interceptor's recorder needs the observation registry, which
         * must not be created before the post-processors that configure it (see
         * {@link TracedAutoConfiguration}).
         */
        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static RoutingPointcutAdvisor routingPointcutAdvisor(ObjectProvider<RoutingMethodInterceptor> interceptor) {
            return new RoutingPointcutAdvisor(interceptor::getObject);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class RoutingTracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        RoutingTracingObservationHandler routingTracingObservationHandler(Tracer tracer) {
            return new RoutingTracingObservationHandler(tracer);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class RoutingMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        RoutingMeterObservationHandler routingMeterObservationHandler(MeterRegistry meterRegistry) {
            return new RoutingMeterObservationHandler(meterRegistry);
        }

    }

}
