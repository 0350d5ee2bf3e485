package io.inferlens.autoconfigure.traced;

import io.inferlens.spring.aop.TracedMethodInterceptor;
import io.inferlens.spring.aop.TracedPointcutAdvisor;
import io.inferlens.traced.SlowCallPolicy;
import io.inferlens.traced.TracedMeterObservationHandler;
import io.inferlens.traced.TracedObservationConvention;
import io.inferlens.traced.TracedObserver;
import io.inferlens.traced.TracedTracingObservationHandler;
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
 * Auto-configuration for {@link io.inferlens.annotation.Traced @Traced} methods: the
 * Spring AOP advisor that observes them, and the tracing and meter handlers that turn
 * each observation into a named span of the right kind and a timer. Ordered after Boot's
 * observation, tracing and metrics auto-configurations, whose beans it uses. Calls slower
 * than their threshold ({@code inferlens.slow-calls.*}) are logged at WARN and marked on
 * their span.
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
@EnableConfigurationProperties({ InferlensAnnotationsProperties.class, SlowCallsProperties.class })
public final class TracedAutoConfiguration {

    /**
     * {@code @Order} of Inferlens' observation handlers: ahead of Micrometer Tracing's
     * handlers (the propagating receiver and sender handlers at 1000 and 2000, the
     * default one at {@code Ordered.LOWEST_PRECEDENCE - 1000}) and of the default meter
     * handler (unordered). They support only {@code @Traced} observations, which they are
     * then the first and only ones asked about.
     */
    public static final int TRACED_OBSERVATION_HANDLER_ORDER = 500;

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Advisor.class)
    @ConditionalOnBooleanProperty(name = "inferlens.annotations.enabled", matchIfMissing = true)
    static class TracedAdvisorConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        TracedObserver tracedObserver(ObservationRegistry observationRegistry,
                ObjectProvider<TracedObservationConvention> convention, ObjectProvider<SlowCallPolicy> slowCalls) {
            return new TracedObserver(observationRegistry, convention.getIfUnique(),
                    slowCalls.getIfUnique(() -> SlowCallPolicy.NONE));
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBooleanProperty(name = "inferlens.slow-calls.enabled", matchIfMissing = true)
        SlowCallPolicy slowCallPolicy(SlowCallsProperties properties) {
            return SlowCallPolicy.of(properties.getThreshold(), properties.getOperations());
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        TracedMethodInterceptor tracedMethodInterceptor(TracedObserver tracedObserver) {
            return new TracedMethodInterceptor(tracedObserver);
        }

        @Bean
        @ConditionalOnMissingBean(value = TracedPointcutAdvisor.class, type = "io.inferlens.spring.aop.TracedAspect")
        @ConditionalOnBean(ObservationRegistry.class)
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static TracedPointcutAdvisor tracedPointcutAdvisor(ObjectProvider<TracedMethodInterceptor> interceptor) {
            return new TracedPointcutAdvisor(interceptor::getObject);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class TracedTracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        @Order(TRACED_OBSERVATION_HANDLER_ORDER)
        TracedTracingObservationHandler tracedTracingObservationHandler(Tracer tracer) {
            return new TracedTracingObservationHandler(tracer);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class TracedMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        @Order(TRACED_OBSERVATION_HANDLER_ORDER)
        TracedMeterObservationHandler tracedMeterObservationHandler(MeterRegistry meterRegistry) {
            return new TracedMeterObservationHandler(meterRegistry);
        }

    }

}
