package io.inferlens.autoconfigure.traced;

import java.time.Duration;

import io.inferlens.spring.aop.TracedAspect;
import io.inferlens.spring.aop.TracedMethodInterceptor;
import io.inferlens.spring.aop.TracedPointcutAdvisor;
import io.inferlens.traced.SlowCallPolicy;
import io.inferlens.traced.TracedMeterObservationHandler;
import io.inferlens.traced.TracedObserver;
import io.inferlens.traced.TracedTracingObservationHandler;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.aop.Advisor;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TracedAutoConfiguration}.
 *
 * @author Inferlens
 */
class TracedAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
        .withBean(ObservationRegistry.class, ObservationRegistry::create)
        .withBean(Tracer.class, () -> Tracer.NOOP)
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new);

    @Test
    void providesAdvisorAndHandlersByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(TracedObserver.class);
            assertThat(context).hasSingleBean(TracedMethodInterceptor.class);
            assertThat(context).hasSingleBean(TracedPointcutAdvisor.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
            assertThat(context).hasSingleBean(TracedMeterObservationHandler.class);
            assertThat(context).hasSingleBean(InferlensAnnotationsProperties.class);
            assertThat(context.getBean(TracedPointcutAdvisor.class).getAdvice())
                .isSameAs(context.getBean(TracedMethodInterceptor.class));
        });
    }

    @Test
    void backsOffWhenUserDefinesObserver() {
        TracedObserver observer = new TracedObserver(ObservationRegistry.NOOP, null);
        this.contextRunner.withBean("userObserver", TracedObserver.class, () -> observer)
            .run((context) -> assertThat(context.getBean(TracedObserver.class)).isSameAs(observer));
    }

    @Test
    void backsOffWhenUserDefinesInterceptor() {
        TracedMethodInterceptor interceptor = new TracedMethodInterceptor(
                new TracedObserver(ObservationRegistry.NOOP, null));
        this.contextRunner.withBean("userInterceptor", TracedMethodInterceptor.class, () -> interceptor)
            .run((context) -> {
                assertThat(context.getBean(TracedMethodInterceptor.class)).isSameAs(interceptor);
                assertThat(context.getBean(TracedPointcutAdvisor.class).getAdvice()).isSameAs(interceptor);
            });
    }

    @Test
    void backsOffWhenUserDefinesAdvisor() {
        TracedPointcutAdvisor advisor = new TracedPointcutAdvisor(
                new TracedMethodInterceptor(new TracedObserver(ObservationRegistry.NOOP, null)));
        this.contextRunner.withBean("userAdvisor", TracedPointcutAdvisor.class, () -> advisor)
            .run((context) -> assertThat(context.getBean(TracedPointcutAdvisor.class)).isSameAs(advisor));
    }

    @Test
    void advisorBacksOffWhenUserDefinesTheAspectSoCallsAreNotObservedTwice() {
        this.contextRunner.withBean(TracedAspect.class, () -> new TracedAspect(ObservationRegistry.NOOP))
            .run((context) -> assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class));
    }

    @Test
    void backsOffWhenUserDefinesTracingHandler() {
        TracedTracingObservationHandler handler = new TracedTracingObservationHandler(Tracer.NOOP);
        this.contextRunner.withBean("userHandler", TracedTracingObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(TracedTracingObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void backsOffWhenUserDefinesMeterHandler() {
        TracedMeterObservationHandler handler = new TracedMeterObservationHandler(new SimpleMeterRegistry());
        this.contextRunner.withBean("userHandler", TracedMeterObservationHandler.class, () -> handler)
            .run((context) -> assertThat(context.getBean(TracedMeterObservationHandler.class)).isSameAs(handler));
    }

    @Test
    void annotationsCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.annotations.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(TracedMethodInterceptor.class);
            assertThat(context).doesNotHaveBean(TracedObserver.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
            assertThat(context).doesNotHaveBean(TracedMeterObservationHandler.class);
            assertThat(context).doesNotHaveBean(InferlensAnnotationsProperties.class);
        });
    }

    @Test
    void noAdvisorWithoutSpringAop() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Advisor.class)).run((context) -> {
            assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class);
            assertThat(context).hasSingleBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void noTracingHandlerWithoutMicrometerTracing() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(Tracer.class)).run((context) -> {
            assertThat(context).hasSingleBean(TracedPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
        });
    }

    @Test
    void noMeterHandlerWithoutMicrometerCore() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class)).run((context) -> {
            assertThat(context).hasSingleBean(TracedPointcutAdvisor.class);
            assertThat(context).doesNotHaveBean(TracedMeterObservationHandler.class);
        });
    }

    @Test
    void nothingWithoutMicrometerObservation() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
            .withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class);
                assertThat(context).doesNotHaveBean(InferlensAnnotationsProperties.class);
            });
    }

    @Test
    void noBeansWithoutRegistryTracerOrMeterRegistryBeans() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TracedAutoConfiguration.class))
            .run((context) -> {
                assertThat(context).doesNotHaveBean(TracedPointcutAdvisor.class);
                assertThat(context).doesNotHaveBean(TracedTracingObservationHandler.class);
                assertThat(context).doesNotHaveBean(TracedMeterObservationHandler.class);
            });
    }

    @Test
    void slowCallPolicyComesFromPropertiesAndCanBeTurnedOff() {
        this.contextRunner.withPropertyValues("inferlens.slow-calls.threshold=3s",
                "inferlens.slow-calls.operations[gateway.route]=500ms", "inferlens.slow-calls.operations[model.call]=0")
            .run((context) -> {
                SlowCallPolicy policy = context.getBean(SlowCallPolicy.class);
                assertThat(policy.thresholdFor("gateway.route")).isEqualTo(Duration.ofMillis(500));
                assertThat(policy.thresholdFor("model.call")).isZero();
                assertThat(policy.thresholdFor("other")).isEqualTo(Duration.ofSeconds(3));
            });
        this.contextRunner.run((context) -> assertThat(context.getBean(SlowCallPolicy.class).thresholdFor("other"))
            .isEqualTo(Duration.ofSeconds(2)));
        this.contextRunner.withPropertyValues("inferlens.slow-calls.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(SlowCallPolicy.class));
    }

    @Test
    void negativeSlowCallThresholdFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.slow-calls.operations[gateway.route]=-1s")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("inferlens.slow-calls.operations[gateway.route] must not be negative"));
        this.contextRunner.withPropertyValues("inferlens.slow-calls.threshold=-5ms")
            .run((context) -> assertThat(context).getFailure()
                .rootCause()
                .hasMessageContaining("inferlens.slow-calls.threshold must not be negative"));
    }

    @Test
    void backsOffWhenUserDefinesSlowCallPolicy() {
        SlowCallPolicy policy = (operation) -> Duration.ofMillis(1);
        this.contextRunner.withBean(SlowCallPolicy.class, () -> policy)
            .run((context) -> assertThat(context.getBean(SlowCallPolicy.class)).isSameAs(policy));
    }

}
