package io.inferlens.autoconfigure.langchain4j;

import java.util.List;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.inference.CacheMetrics;
import io.inferlens.inference.ContentCapture;
import io.inferlens.inference.InferenceRecorder;
import io.inferlens.inference.TokenUsageExtractors;
import io.inferlens.langchain4j.InferlensChatModelListener;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LangChain4jAutoConfiguration}.
 *
 * @author Inferlens
 */
class LangChain4jAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class, InferenceAutoConfiguration.class,
                LangChain4jAutoConfiguration.class));

    @Test
    void providesListenerByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(InferlensChatModelListener.class);
            assertThat(context).hasSingleBean(LangChain4jProperties.class);
        });
    }

    @Test
    void listenerIsAttachedToModelsThatCollectListenerBeansAsLangChain4jStartersDo() {
        this.contextRunner.withUserConfiguration(StarterLikeModel.class)
            .run((context) -> assertThat(context.getBean(OpenAiChatModel.class).listeners())
                .containsExactly(context.getBean(InferlensChatModelListener.class)));
    }

    @Test
    void backsOffWhenUserDefinesListener() {
        InferlensChatModelListener listener = new InferlensChatModelListener(
                new InferenceRecorder(ObservationRegistry.NOOP, null, new TokenUsageExtractors(List.of()),
                        ContentCapture.DISABLED, "openai", CacheMetrics.NONE));
        this.contextRunner.withBean("userListener", InferlensChatModelListener.class, () -> listener)
            .run((context) -> assertThat(context.getBean(InferlensChatModelListener.class)).isSameAs(listener));
    }

    @Test
    void backsOffWhenDisabled() {
        this.contextRunner.withPropertyValues("inferlens.langchain4j.enabled=false").run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(InferenceRecorder.class);
            assertThat(context).doesNotHaveBean(InferlensChatModelListener.class);
        });
    }

    @Test
    void backsOffWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensChatModelListener.class));
    }

    @Test
    void backsOffWithoutLangChain4j() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ChatModelListener.class)).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context).hasSingleBean(InferenceRecorder.class);
            assertThat(context).doesNotHaveBean(InferlensChatModelListener.class);
        });
    }

    @Test
    void backsOffWithoutRecorder() {
        new ApplicationContextRunner()
            .withConfiguration(
                    AutoConfigurations.of(InferenceAutoConfiguration.class, LangChain4jAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(InferenceRecorder.class);
                assertThat(context).doesNotHaveBean(InferlensChatModelListener.class);
            });
    }

    /**
     * A model bean made as LangChain4j's OpenAI Spring Boot starter makes it.
     */
    @Configuration(proxyBeanMethods = false)
    static class StarterLikeModel {

        @Bean
        OpenAiChatModel openAiChatModel(ObjectProvider<ChatModelListener> listeners) {
            return OpenAiChatModel.builder()
                .baseUrl("http://127.0.0.1:1/v1")
                .apiKey("test-key")
                .modelName("sim-large")
                .listeners(listeners.orderedStream().toList())
                .build();
        }

    }

}
