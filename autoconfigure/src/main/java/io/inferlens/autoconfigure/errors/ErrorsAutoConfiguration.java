package io.inferlens.autoconfigure.errors;

import io.inferlens.errors.DefaultErrorTracker;
import io.inferlens.errors.ErrorClassifier;
import io.inferlens.errors.ErrorFingerprints;
import io.inferlens.errors.ErrorReporter;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.ErrorsObservationHandler;
import io.inferlens.errors.RecentErrors;
import io.inferlens.observation.TraceContextResolver;
import io.inferlens.spring.web.reactive.ReactiveErrorCaptureFilter;
import io.inferlens.spring.web.servlet.MvcErrorCapture;
import io.inferlens.spring.web.servlet.ServletErrorCaptureFilter;
import io.inferlens.tracing.TracerTraceContextResolver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import jakarta.servlet.Filter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of Inferlens' error capture: an {@link ErrorTracker} that counts
 * errors in {@code inferlens.errors}, logs them with their trace id, groups them by
 * fingerprint in {@link RecentErrors} and hands them to {@link ErrorReporter} beans; an
 * observation handler that captures the failures of the operations Inferlens instruments;
 * in a servlet application, a filter that captures the exceptions that propagate out of
 * the chain; in a Spring MVC application, the capture of handlers' exceptions; and, in a
 * Spring WebFlux application, a filter that captures the exceptions that end an exchange.
 *
 * @author Inferlens
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ErrorsProperties.class)
public final class ErrorsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RecentErrors inferlensRecentErrors(ErrorsProperties properties) {
        return new RecentErrors(properties.getMaxGroups(), properties.getMaxTraceIdsPerGroup());
    }

    @Bean
    @ConditionalOnMissingBean
    ErrorFingerprints inferlensErrorFingerprints(ErrorsProperties properties) {
        return new ErrorFingerprints(properties.getApplicationPackages());
    }

    @Bean
    @ConditionalOnMissingBean(ErrorTracker.class)
    DefaultErrorTracker inferlensErrorTracker(ErrorsProperties properties, RecentErrors recentErrors,
            ErrorFingerprints fingerprints, ObjectProvider<MeterRegistry> meterRegistry,
            ObjectProvider<ErrorClassifier> errorClassifier, ObjectProvider<ErrorReporter> reporters,
            ObjectProvider<TraceContextResolver> traceContext) {
        return DefaultErrorTracker.builder(recentErrors)
            .meterRegistry(meterRegistry.getIfUnique())
            .classifier(errorClassifier.getIfUnique(() -> ErrorClassifier.DEFAULT))
            .reporters(reporters.orderedStream().toList())
            .traceContext(traceContext.getIfUnique(() -> TraceContextResolver.MDC_KEYS))
            .fingerprints(fingerprints)
            .maxMessageLength(properties.getMaxMessageLength())
            .logStackTraces(properties.isLogStackTraces())
            .build();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnClass(ObservationRegistry.class)
    ErrorsObservationHandler inferlensErrorsObservationHandler(ErrorTracker errorTracker,
            ObjectProvider<TraceContextResolver> traceContext) {
        return new ErrorsObservationHandler(errorTracker,
                traceContext.getIfUnique(() -> TraceContextResolver.MDC_KEYS));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class TracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        TracerTraceContextResolver inferlensTraceContextResolver(Tracer tracer) {
            return new TracerTraceContextResolver(tracer);
        }

    }

    /**
     * The capture of exceptions that propagate out of the filter chain, in every servlet
     * application: right inside the request log's filter, so that its request id is known
     * and the request's span current.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
    static class ServletConfiguration {

        /**
         * Name of the filter's registration.
         */
        static final String FILTER_NAME = "inferlensErrorCaptureFilter";

        /**
         * Order of the filter: right after Boot's observation filter (at
         * {@code HIGHEST_PRECEDENCE + 1}) and the request log's (at
         * {@code HIGHEST_PRECEDENCE + 2}).
         */
        static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 3;

        @Bean(FILTER_NAME)
        @ConditionalOnMissingBean(name = FILTER_NAME)
        @ConditionalOnMissingFilterBean(ServletErrorCaptureFilter.class)
        FilterRegistrationBean<ServletErrorCaptureFilter> inferlensErrorCaptureFilter(ErrorTracker errorTracker) {
            FilterRegistrationBean<ServletErrorCaptureFilter> registration = new FilterRegistrationBean<>(
                    new ServletErrorCaptureFilter(() -> errorTracker));
            registration.setName(FILTER_NAME);
            registration.setOrder(FILTER_ORDER);
            return registration;
        }

    }

    /**
     * The capture of exceptions that end an exchange, in a Spring WebFlux application:
     * right inside the request log's filter, so that its request id is known.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(WebFilter.class)
    static class ReactiveConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ReactiveErrorCaptureFilter inferlensReactiveErrorCaptureFilter(ErrorTracker errorTracker,
                ErrorsProperties properties) {
            return new ReactiveErrorCaptureFilter(() -> errorTracker, properties.isCaptureClientErrors());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass({ HandlerExceptionResolver.class, WebMvcConfigurer.class })
    static class MvcConfiguration {

        @Bean
        @ConditionalOnMissingBean
        MvcErrorCapture inferlensMvcErrorCapture(ErrorTracker errorTracker, ErrorsProperties properties,
                ObjectProvider<ObservationRegistry> observationRegistry) {
            return new MvcErrorCapture(errorTracker, properties.isCaptureClientErrors(),
                    observationRegistry.getIfUnique());
        }

        @Bean
        WebMvcConfigurer inferlensMvcErrorCaptureConfigurer(ObjectProvider<MvcErrorCapture> capture) {
            return new WebMvcConfigurer() {

                @Override
                public void addInterceptors(InterceptorRegistry registry) {
                    capture.ifAvailable(registry::addInterceptor);
                }

            };
        }

    }

}
