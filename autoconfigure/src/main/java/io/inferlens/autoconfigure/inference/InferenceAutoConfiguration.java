package io.inferlens.autoconfigure.inference;

import java.util.ArrayList;
import java.util.List;

import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.inference.CacheMetrics;
import io.inferlens.inference.ContentCapture;
import io.inferlens.inference.InferenceCostMeter;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.inferlens.inference.InferenceObservationConvention;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.inference.InferenceRecordPublisher;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.inference.InferenceTracingObservationHandler;
import io.inferlens.inference.MeterRegistryCacheMetrics;
import io.inferlens.inference.PriceTable;
import io.inferlens.inference.TokenUsageExtractor;
import io.inferlens.inference.TokenUsageExtractors;
import io.inferlens.observation.TraceContextResolver;
import io.inferlens.spring.ai.SpringAiTokenUsageExtractor;
import io.inferlens.spring.aop.TracedInferenceInterceptor;
import io.inferlens.spring.aop.TracedInferencePointcutAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

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
 * Auto-configuration of the observation of generative AI model calls: the
 * {@link InferenceRecorder}, the advisor of
 * {@link io.inferlens.annotation.TracedInference @TracedInference} methods, the handlers
 * that turn each call into a GenAI span and GenAI metrics, token usage extraction and the
 * price table of {@code inferlens.pricing}.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = TracedAutoConfiguration.class, afterName = {
        "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
        "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
        "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ InferenceProperties.class, PricingProperties.class })
public final class InferenceAutoConfiguration {

    private static final Log logger = LogFactory.getLog(InferenceAutoConfiguration.class);

    @Bean
    @ConditionalOnMissingBean
    TokenUsageExtractors tokenUsageExtractors(ObjectProvider<TokenUsageExtractor> extractors) {
        List<TokenUsageExtractor> all = new ArrayList<>(extractors.orderedStream().toList());
        all.addAll(TokenUsageExtractors.builtIn());
        return new TokenUsageExtractors(all);
    }

    @Bean
    @ConditionalOnMissingBean
    PriceTable inferlensPriceTable(PricingProperties properties) {
        return properties.toPriceTable();
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnBean(ObservationRegistry.class)
    InferenceRecorder inferenceRecorder(ObservationRegistry observationRegistry,
            ObjectProvider<InferenceObservationConvention> convention, TokenUsageExtractors extractors,
            InferenceProperties properties, ObjectProvider<CacheMetrics> cacheMetrics) {
        if (properties.isCaptureContent()) {
            logger.warn("inferlens.inference.capture-content is true: prompts and completions are recorded on spans"
                    + " (secrets masked) and exported; they may hold personal data");
        }
        ContentCapture capture = new ContentCapture(properties.isCaptureContent(), properties.getMaxContentLength());
        return new InferenceRecorder(observationRegistry, convention.getIfUnique(), extractors, capture,
                properties.getDefaultProvider(), cacheMetrics.getIfUnique(() -> CacheMetrics.NONE));
    }

    /**
     * The publisher of records, a plain observation handler that Boot registers apart
     * from the meter and tracing handlers. Listeners are looked up when the first record
     * is published, so that those of later auto-configurations (statistics, trace store)
     * are found.
     */
    @Bean
    @ConditionalOnMissingBean
    InferenceRecordPublisher inferenceRecordPublisher(PriceTable priceTable,
            ObjectProvider<TraceContextResolver> traceContext, ObjectProvider<InferenceRecordListener> listeners) {
        return new InferenceRecordPublisher(priceTable, traceContext.getIfUnique(() -> TraceContextResolver.MDC_KEYS),
                () -> listeners.orderedStream().toList());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Advisor.class)
    @ConditionalOnBooleanProperty(name = "inferlens.annotations.enabled", matchIfMissing = true)
    static class TracedInferenceAdvisorConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        TracedInferenceInterceptor tracedInferenceInterceptor(InferenceRecorder inferenceRecorder) {
            return new TracedInferenceInterceptor(inferenceRecorder);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(ObservationRegistry.class)
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static TracedInferencePointcutAdvisor tracedInferencePointcutAdvisor(
                ObjectProvider<TracedInferenceInterceptor> interceptor) {
            return new TracedInferencePointcutAdvisor(interceptor::getObject);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.ai.chat.model.ChatResponse")
    static class SpringAiConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SpringAiTokenUsageExtractor springAiTokenUsageExtractor() {
            return new SpringAiTokenUsageExtractor();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class InferenceTracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        InferenceTracingObservationHandler inferenceTracingObservationHandler(Tracer tracer, PriceTable priceTable) {
            return new InferenceTracingObservationHandler(tracer, priceTable);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    static class InferenceMetricsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        InferenceMeterObservationHandler inferenceMeterObservationHandler(MeterRegistry meterRegistry) {
            return new InferenceMeterObservationHandler(meterRegistry);
        }

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        InferenceCostMeter inferenceCostMeter(MeterRegistry meterRegistry) {
            return new InferenceCostMeter(meterRegistry);
        }

        @Bean
        @ConditionalOnMissingBean(CacheMetrics.class)
        @ConditionalOnBean(MeterRegistry.class)
        MeterRegistryCacheMetrics inferenceCacheMetrics(MeterRegistry meterRegistry) {
            return new MeterRegistryCacheMetrics(meterRegistry);
        }

    }

}
