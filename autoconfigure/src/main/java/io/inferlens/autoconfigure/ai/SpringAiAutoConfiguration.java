package io.inferlens.autoconfigure.ai;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import io.inferlens.autoconfigure.errors.ErrorsAutoConfiguration;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.inference.InferenceMeterObservationHandler;
import io.inferlens.inference.InferenceObservationConvention;
import io.inferlens.inference.InferenceRecordPublisher;
import io.inferlens.inference.PriceTable;
import io.inferlens.spring.ai.SpringAiObservationFilter;
import io.inferlens.spring.ai.SpringAiObservationHandler;
import io.inferlens.spring.ai.SpringAiStreamAdvisor;
import io.inferlens.spring.ai.SpringAiStreamInterceptor;
import io.inferlens.spring.ai.SpringAiTokenCounters;
import io.inferlens.spring.ai.SpringAiTracingObservationHandler;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.tracing.Tracer;
import reactor.core.publisher.Flux;

import org.springframework.ai.chat.client.ChatClientCustomizer;
import org.springframework.ai.chat.model.StreamingChatModel;
import org.springframework.ai.chat.observation.ChatModelMeterObservationHandler;
import org.springframework.ai.chat.observation.ChatModelObservationContext;
import org.springframework.ai.embedding.observation.EmbeddingModelMeterObservationHandler;
import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Role;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of Inferlens for Spring AI: every chat, embedding and tool call that
 * Spring AI observes gets Inferlens' records, metrics, cost and error groups with no
 * annotation ({@link SpringAiObservationHandler}, {@link SpringAiObservationFilter}), and
 * their spans of kind {@code CLIENT} ({@link SpringAiTracingObservationHandler}), the
 * streams of {@code ChatClient}s ({@link SpringAiStreamAdvisor}) and of chat model beans
 * that can be proxied ({@link SpringAiStreamInterceptor}) their time to first chunk and
 * final usage. Off with {@code inferlens.spring-ai.enabled=false}.
 * <p>
 * Spring AI registers {@code gen_ai.client.token.usage} as a counter where the
 * OpenTelemetry conventions, and Inferlens, make it a histogram: one Prometheus name
 * cannot have two types, so Spring AI's counter handlers are replaced by stand-ins that
 * handle nothing ({@link SpringAiTokenCounters}) and the counter is denied; the
 * histogram's {@code _sum} has the same totals.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = { InferenceAutoConfiguration.class, ErrorsAutoConfiguration.class }, beforeName = {
        "org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration",
        "org.springframework.ai.model.embedding.observation.autoconfigure.EmbeddingObservationAutoConfiguration" })
@ConditionalOnClass(ChatModelObservationContext.class)
@ConditionalOnBean(InferenceRecordPublisher.class)
@ConditionalOnBooleanProperty(name = "inferlens.spring-ai.enabled", matchIfMissing = true)
public final class SpringAiAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SpringAiObservationHandler springAiObservationHandler(InferenceRecordPublisher publisher,
            ObjectProvider<InferenceMeterObservationHandler> meters, ObjectProvider<MeterRegistry> registry,
            ObjectProvider<ErrorTracker> errors, SpringAiObservationFilter completion) {
        return new SpringAiObservationHandler(publisher, meters.getIfUnique(), registry.getIfUnique(),
                errors::getIfUnique, completion);
    }

    @Bean
    @ConditionalOnMissingBean
    SpringAiObservationFilter springAiObservationFilter(PriceTable priceTable,
            ObjectProvider<InferenceObservationConvention> convention) {
        return new SpringAiObservationFilter(priceTable, convention.getIfUnique());
    }

    @Bean
    @ConditionalOnClass(MeterRegistry.class)
    static MeterFilter inferlensSpringAiTokenCounterFilter() {
        return MeterFilter.deny((id) -> id.getType() == Meter.Type.COUNTER
                && InferenceMeterObservationHandler.TOKEN_USAGE.equals(id.getName()));
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ Advisor.class, Flux.class })
    static class StreamConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "inferlensSpringAiStreamAdvisor")
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor inferlensSpringAiStreamAdvisor() {
            return new DefaultPointcutAdvisor(new StreamPointcut(), new SpringAiStreamInterceptor());
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(MeterRegistry.class)
    @ConditionalOnBean(MeterRegistry.class)
    static class TokenCounterConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ChatModelMeterObservationHandler inferlensChatTokenCounterStandIn(MeterRegistry registry) {
            return new SpringAiTokenCounters.Chat(registry);
        }

        @Bean
        @ConditionalOnMissingBean
        EmbeddingModelMeterObservationHandler inferlensEmbeddingTokenCounterStandIn(MeterRegistry registry) {
            return new SpringAiTokenCounters.Embedding(registry);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Tracer.class)
    static class TracingConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @ConditionalOnBean(Tracer.class)
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        SpringAiTracingObservationHandler springAiTracingObservationHandler(Tracer tracer,
                SpringAiObservationFilter completion) {
            return new SpringAiTracingObservationHandler(tracer, completion);
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({ ChatClientCustomizer.class, Flux.class })
    static class ChatClientConfiguration {

        @Bean
        @ConditionalOnMissingBean
        SpringAiStreamAdvisor springAiStreamAdvisor() {
            return new SpringAiStreamAdvisor();
        }

        @Bean
        @ConditionalOnMissingBean(name = "inferlensChatClientCustomizer")
        ChatClientCustomizer inferlensChatClientCustomizer(SpringAiStreamAdvisor advisor) {
            return (builder) -> builder.defaultAdvisors(advisor);
        }

    }

    /**
     * The {@code stream} methods of Spring AI's streaming chat models that return a
     * {@link Flux}.
     */
    static final class StreamPointcut extends StaticMethodMatcherPointcut {

        StreamPointcut() {
            // a final class, such as Spring AI's OpenAiChatModel, cannot be proxied
            setClassFilter((type) -> StreamingChatModel.class.isAssignableFrom(type)
                    && !Modifier.isFinal(type.getModifiers()));
        }

        @Override
        public boolean matches(Method method, Class<?> targetClass) {
            return method.getName().equals("stream") && Flux.class.isAssignableFrom(method.getReturnType());
        }

    }

}
