package io.inferlens.autoconfigure.propagation;

import io.inferlens.autoconfigure.propagation.PropagationAutoConfiguration.StrictW3CPropagationPostProcessor;
import io.inferlens.propagation.StrictW3CTraceContextPropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link PropagationAutoConfiguration}.
 *
 * @author Inferlens
 */
class PropagationAutoConfigurationTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(PropagationAutoConfiguration.class))
        .withBean(ContextPropagators.class, () -> ContextPropagators.create(W3CTraceContextPropagator.getInstance()));

    @Test
    void wrapsTheContextPropagatorsAroundBootsPropagator() {
        this.runner.run((context) -> {
            assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator()).isInstanceOfSatisfying(
                    StrictW3CTraceContextPropagator.class, (propagator) -> assertThat(propagator.getDelegate())
                        .isSameAs(W3CTraceContextPropagator.getInstance()));
            assertThat(context).hasSingleBean(PropagationProperties.class);
        });
    }

    @Test
    void wrapsWhenW3cIsAmongConsumedTypes() {
        this.runner.withPropertyValues("management.tracing.propagation.consume=b3,W3C")
            .run((context) -> assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator())
                .isInstanceOf(StrictW3CTraceContextPropagator.class));
    }

    @Test
    void leavesThePropagatorsAloneWhenB3IsTheOnlyType() {
        this.runner.withPropertyValues("management.tracing.propagation.type=b3")
            .run((context) -> assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator())
                .isSameAs(W3CTraceContextPropagator.getInstance()));
        this.runner.withPropertyValues("management.tracing.propagation.consume=b3,b3_multi")
            .run((context) -> assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator())
                .isSameAs(W3CTraceContextPropagator.getInstance()));
    }

    @Test
    void strictW3cPropertyTurnsItOff() {
        this.runner.withPropertyValues("inferlens.tracing.propagation.strict-w3c=false").run((context) -> {
            assertThat(context).doesNotHaveBean(StrictW3CPropagationPostProcessor.class);
            assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator())
                .isSameAs(W3CTraceContextPropagator.getInstance());
        });
    }

    @Test
    void inferlensEnabledPropertyTurnsItOff() {
        this.runner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(StrictW3CPropagationPostProcessor.class));
    }

    @Test
    void backsOffWhenUserDefinesThePostProcessor() {
        this.runner.withUserConfiguration(UserPostProcessor.class).run((context) -> {
            assertThat(context).hasSingleBean(StrictW3CPropagationPostProcessor.class);
            assertThat(context.getBean(StrictW3CPropagationPostProcessor.class)).isSameAs(UserPostProcessor.INSTANCE);
            assertThat(context.getBean(ContextPropagators.class).getTextMapPropagator())
                .isSameAs(W3CTraceContextPropagator.getInstance());
        });
    }

    @Test
    void backsOffWithoutOpenTelemetry() {
        this.runner.withClassLoader(new FilteredClassLoader(ContextPropagators.class))
            .run((context) -> assertThat(context).doesNotHaveBean(StrictW3CPropagationPostProcessor.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserPostProcessor {

        static final StrictW3CPropagationPostProcessor INSTANCE = new StrictW3CPropagationPostProcessor(false);

        @Bean
        static StrictW3CPropagationPostProcessor userPostProcessor() {
            return INSTANCE;
        }

    }

}
