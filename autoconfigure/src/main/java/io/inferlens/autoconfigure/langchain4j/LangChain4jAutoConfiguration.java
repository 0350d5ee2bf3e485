package io.inferlens.autoconfigure.langchain4j;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.langchain4j.InferlensChatModelListener;
import io.inferlens.spring.langchain4j.StreamingChatModelInterceptor;

import org.springframework.aop.Advisor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
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

/**
 * Auto-configuration of the observation of LangChain4j chat models: an
 * {@link InferlensChatModelListener} bean, which LangChain4j's Spring Boot starters
 * attach to the chat models they create (they collect every {@link ChatModelListener}
 * bean), and which users attach to the models they build with
 * {@code builder.listeners(...)}. Each call is then one GenAI span, one set of GenAI
 * series and one record, as a {@code @TracedInference} call is. The streaming chat model
 * beans are proxied so that their calls' first partial responses are seen
 * ({@link StreamingChatModelInterceptor}): their time to first chunk.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = InferenceAutoConfiguration.class)
@ConditionalOnClass(ChatModelListener.class)
@ConditionalOnBean(InferenceRecorder.class)
@ConditionalOnBooleanProperty(name = { "inferlens.enabled", "inferlens.langchain4j.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(LangChain4jProperties.class)
public final class LangChain4jAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    InferlensChatModelListener inferlensChatModelListener(InferenceRecorder inferenceRecorder) {
        return new InferlensChatModelListener(inferenceRecorder);
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(Advisor.class)
    static class StreamingConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "inferlensLangChain4jStreamingAdvisor")
        @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
        static Advisor inferlensLangChain4jStreamingAdvisor() {
            return new DefaultPointcutAdvisor(new StreamingChatModelInterceptor.Pointcut(),
                    new StreamingChatModelInterceptor());
        }

    }

}
