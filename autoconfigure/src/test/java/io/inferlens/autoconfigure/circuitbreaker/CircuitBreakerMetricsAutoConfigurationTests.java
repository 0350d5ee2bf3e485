package io.inferlens.autoconfigure.circuitbreaker;

import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.OpenTelemetryTransitionListener;
import io.inferlens.circuitbreaker.Resilience4jCircuitBreakerBinder;
import io.inferlens.circuitbreaker.TracerTransitionListener;
import io.inferlens.circuitbreaker.TransitionListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link CircuitBreakerMetricsAutoConfiguration}.
 *
 * @author Inferlens
 */
class CircuitBreakerMetricsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(CircuitBreakerMetricsAutoConfiguration.class))
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean(Tracer.class, () -> Tracer.NOOP)
        .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults);

    @Test
    void providesMetricsOpenTelemetryListenerAndResilience4jBinderByDefault() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(CircuitBreakerMetrics.class);
            assertThat(context).hasSingleBean(Resilience4jCircuitBreakerBinder.class);
            assertThat(context).hasSingleBean(InferlensCircuitBreakersProperties.class);
            assertThat(context.getBean(TransitionListener.class)).isInstanceOf(OpenTelemetryTransitionListener.class);
        });
    }

    @Test
    void bindsRegistryBeanOnStartup() {
        this.contextRunner.run((context) -> {
            context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend").transitionToOpenState();
            assertThat(context.getBean(MeterRegistry.class)
                .get("inferlens.circuit_breaker.state")
                .tag("name", "backend")
                .gauge()
                .value()).isEqualTo(2.0);
        });
    }

    @Test
    void backsOffWhenUserDefinesMetrics() {
        CircuitBreakerMetrics metrics = new CircuitBreakerMetrics(new SimpleMeterRegistry());
        this.contextRunner.withBean("userMetrics", CircuitBreakerMetrics.class, () -> metrics).run((context) -> {
            assertThat(context.getBean(CircuitBreakerMetrics.class)).isSameAs(metrics);
            context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend");
            assertThat(context.getBean(MeterRegistry.class).find("inferlens.circuit_breaker.state").gauges()).isEmpty();
        });
    }

    @Test
    void backsOffWhenUserDefinesTransitionListener() {
        TransitionListener listener = (name, from, to) -> {
        };
        this.contextRunner.withBean("userListener", TransitionListener.class, () -> listener)
            .run((context) -> assertThat(context.getBean(TransitionListener.class)).isSameAs(listener));
    }

    @Test
    void backsOffWhenUserDefinesBinder() {
        Resilience4jCircuitBreakerBinder binder = new Resilience4jCircuitBreakerBinder(
                new CircuitBreakerMetrics(new SimpleMeterRegistry()));
        this.contextRunner.withBean("userBinder", Resilience4jCircuitBreakerBinder.class, () -> binder)
            .run((context) -> assertThat(context.getBean(Resilience4jCircuitBreakerBinder.class)).isSameAs(binder));
    }

    @Test
    void circuitBreakersCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.circuit-breakers.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(CircuitBreakerMetrics.class);
            assertThat(context).doesNotHaveBean(TransitionListener.class);
            assertThat(context).doesNotHaveBean(Resilience4jCircuitBreakerBinder.class);
            context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend");
            assertThat(context.getBean(MeterRegistry.class).find("inferlens.circuit_breaker.state").gauges()).isEmpty();
        });
    }

    @Test
    void wholeStarterCanBeDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false").run((context) -> {
            assertThat(context).doesNotHaveBean(CircuitBreakerMetrics.class);
            assertThat(context).doesNotHaveBean(Resilience4jCircuitBreakerBinder.class);
            assertThat(context).doesNotHaveBean(InferlensCircuitBreakersProperties.class);
        });
    }

    @Test
    void noResilience4jBinderWithoutResilience4j() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CircuitBreakerMetricsAutoConfiguration.class))
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withClassLoader(new FilteredClassLoader(CircuitBreakerRegistry.class))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).hasSingleBean(CircuitBreakerMetrics.class);
                assertThat(context).doesNotHaveBean(Resilience4jCircuitBreakerBinder.class);
            });
    }

    @Test
    void fallsBackToMicrometerTracingWithoutOpenTelemetryApi() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry.api")).run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(TransitionListener.class)).isInstanceOf(TracerTransitionListener.class);
            assertThat(context).hasSingleBean(Resilience4jCircuitBreakerBinder.class);
        });
    }

    @Test
    void recordsNoTransitionsWithoutOpenTelemetryApiOrMicrometerTracing() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("io.opentelemetry.api", "io.micrometer.tracing"))
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(TransitionListener.class);
                assertThat(context).hasSingleBean(CircuitBreakerMetrics.class);
                assertThat(context).hasSingleBean(Resilience4jCircuitBreakerBinder.class);
            });
    }

    @Test
    void noBeansWithoutMeterRegistry() {
        new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(CircuitBreakerMetricsAutoConfiguration.class))
            .withBean(CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
            .run((context) -> {
                assertThat(context).hasNotFailed();
                assertThat(context).doesNotHaveBean(CircuitBreakerMetrics.class);
                assertThat(context).doesNotHaveBean(Resilience4jCircuitBreakerBinder.class);
            });
    }

}
