package io.inferlens.autoconfigure.traced;

import io.inferlens.traced.TracedAspect;
import io.inferlens.traced.TracedTracingObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.aspectj.weaver.Advice;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

/**
 * Tests for {@link TracedAutoConfiguration}.
 *
 * @author Inferlens
 */
class TracedAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(Tracer.class, () -> Tracer.NOOP);

    @Test
    void providesAspectAndTracingHandlerByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(TracedAspect.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
            assertThat(context).hasSingleBean(InferlensAnnotationsProperties.class);
        });
    }

    @Test
    void backsOffWhenUserDefinesAspect() {
        this.contextRunner.withUserConfiguration(UserAspectConfiguration.class).run((context) -> {
            assertThat(context).hasSingleBean(TracedAspect.class);
            assertThat(context.getBean(TracedAspect.class)).isSameAs(context.getBean("userTracedAspect"));
        });
    }

    @Test
    void backsOffWhenUserDefinesTracingHandler() {
        TracedTracingObservationHandler handler = new TracedTracingObservationHandler(Tracer.NOOP);
        this.contextRunner.withBean("userHandler", TracedTracingObservationHandler.class, () -> handler)
            .run((context) -> {
                assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
                assertThat(context.getBean(TracedTracingObservationHandler.class)).isSameAs(handler);
            });
    }

    @Test
    void annotationsCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.annotations.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TracedAspect.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TracedAspect.class);
            assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
            assertThat(context).doesNotHaveBean(InferlensAnnotationsProperties.class);
        });
    }

    @Test
    void noAspectWithoutAspectJ() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Advice.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(TracedAspect.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void noTracingHandlerWithoutMicrometerTracing() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Tracer.class)).run((context) -> {
            assertThat(context).hasSingleBean(TracedAspect.class);
            assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void nothingWithoutMicrometerObservation() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(TracedAspect.class);
                assertThat(context).doesNotHaveBean(InferlensAnnotationsProperties.class);
            });
    }

    @Test
    void noBeansWithoutRegistryOrTracerBeans() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(TracedAspect.class);
                assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
            });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserAspectConfiguration {

        @Bean
        TracedAspect userTracedAspect() {
            return new TracedAspect(mock(ObservationRegistry.class));
        }

    }

}
