package io.inferlens.autoconfigure.routing;

import io.inferlens.routing.RoutingDecision;
import io.inferlens.routing.RoutingDecisionExtractor;
import io.inferlens.routing.RoutingMeterObservationHandler;
import io.inferlens.routing.RoutingRecorder;
import io.inferlens.spring.aop.RoutingMethodInterceptor;
import io.inferlens.spring.aop.RoutingPointcutAdvisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.Ordered;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoutingAutoConfiguration}.
 *
 * @author Inferlens
 */
class RoutingAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RoutingAutoConfiguration.class))
        .withBean(ObservationRegistry.class, TestObservationRegistry::create)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void providesRecorderAdvisorAndMeterHandlerByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(RoutingRecorder.class);
            assertThat(context).hasSingleBean(RoutingMethodInterceptor.class);
            assertThat(context).hasSingleBean(RoutingPointcutAdvisor.class);
            assertThat(context).hasSingleBean(RoutingMeterObservationHandler.class);
            assertThat(context).hasSingleBean(InferlensRoutingProperties.class);
            assertThat(context.getBean(RoutingPointcutAdvisor.class).getAdvice())
                .isSameAs(context.getBean(RoutingMethodInterceptor.class));
        });
    }

    @Test
    void recorderAsksDecisionExtractorBeansInOrder() {
        this.contextRunner.withBean("second", RoutingDecisionExtractor.class, () -> new OrderedExtractor("second", 2))
            .withBean("first", RoutingDecisionExtractor.class, () -> new OrderedExtractor("first", 1))
            .run((context) -> {
                context.getBean(RoutingRecorder.class).route(() -> "result");
                TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
                assertThat(registry).hasObservationWithNameEqualTo("inferlens.routing.request")
                    .that()
                    .hasHighCardinalityKeyValue("inferlens.routing.target", "first");
            });
    }

    @Test
    void backsOffWhenUserDefinesRecorder() {
        RoutingRecorder recorder = new RoutingRecorder(ObservationRegistry.NOOP);
        this.contextRunner.withBean("userRecorder", RoutingRecorder.class, () -> recorder).run((context) -> {
            assertThat(context.getBean(RoutingRecorder.class)).isSameAs(recorder);
            assertThat(context).hasSingleBean(RoutingMethodInterceptor.class);
        });
    }

    @Test
    void backsOffWhenUserDefinesInterceptor() {
        RoutingMethodInterceptor interceptor = new RoutingMethodInterceptor(
                new RoutingRecorder(ObservationRegistry.NOOP));
        this.contextRunner.withBean("userInterceptor", RoutingMethodInterceptor.class, () -> interceptor)
            .run((context) -> {
                assertThat(context.getBean(RoutingMethodInterceptor.class)).isSameAs(interceptor);
                assertThat(context.getBean(RoutingPointcutAdvisor.class).getAdvice()).isSameAs(interceptor);
            });
    }

    @Test
    void backsOffWhenUserDefinesAdvisor() {
        RoutingPointcutAdvisor advisor = new RoutingPointcutAdvisor(
                new RoutingMethodInterceptor(new RoutingRecorder(ObservationRegistry.NOOP)));
        this.contextRunner.withBean("userAdvisor", RoutingPointcutAdvisor.class, () -> advisor)
            .run((context) -> assertThat(context.getBean(RoutingPointcutAdvisor.class)).isSameAs(advisor));
    }

    @Test
    void backsOffWhenUserDefinesMeterHandler() {
        RoutingMeterObservationHandler handler = new RoutingMeterObservationHandler(new SimpleMeterRegistry());
        this.contextRunner.withBean("userHandler", RoutingMeterObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(RoutingMeterObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void routingCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.routing.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(RoutingRecorder.class);
            assertThat(context).doesNotHaveBean(RoutingPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(RoutingMeterObservationHandler.class);
            assertThat(context).doesNotHaveBean(InferlensRoutingProperties.class);
        });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(RoutingRecorder.class);
            assertThat(context).doesNotHaveBean(RoutingPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(RoutingMeterObservationHandler.class);
        });
    }

    @Test
    void disablingAnnotationsRemovesTheAdvisorButKeepsTheRecorder() {
        this.contextRunner.withPropertyValues("inferlens.annotations.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(RoutingPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(RoutingMethodInterceptor.class);
            assertThat(context).hasSingleBean(RoutingRecorder.class);
            assertThat(context).hasSingleBean(RoutingMeterObservationHandler.class);
        });
    }

    @Test
    void noAdvisorWithoutSpringAop() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Advisor.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(RoutingPointcutAdvisor.class);
            assertThat(context).hasSingleBean(RoutingRecorder.class);
        });
    }

    @Test
    void noMeterHandlerWithoutMicrometerCore() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(RoutingMeterObservationHandler.class);
            assertThat(context).hasSingleBean(RoutingRecorder.class);
            assertThat(context).hasSingleBean(RoutingPointcutAdvisor.class);
        });
    }

    @Test
    void nothingWithoutMicrometerObservation() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(RoutingRecorder.class);
                assertThat(context).doesNotHaveBean(InferlensRoutingProperties.class);
            });
    }

    @Test
    void noBeansWithoutObservationOrMeterRegistryBeans() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RoutingAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(RoutingRecorder.class);
                assertThat(context).doesNotHaveBean(RoutingPointcutAdvisor.class);
                assertThat(context).doesNotHaveBean(RoutingMeterObservationHandler.class);
            });
    }

    static class OrderedExtractor implements RoutingDecisionExtractor, Ordered {

        private final String target;

        private final int order;

        OrderedExtractor(String target, int order) {
            this.target = target;
            this.order = order;
        }

        @Override
        public @Nullable RoutingDecision extract(Object result) {
            return RoutingDecision.of(this.target, 0.5, 0.5, 2);
        }

        @Override
        public int getOrder() {
            return this.order;
        }

    }

}
