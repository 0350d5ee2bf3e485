package io.inferlens.circuitbreaker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.autoconfigure.circuitbreaker.CircuitBreakerMetricsAutoConfiguration;
import io.inferlens.testsupport.SpanCollection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Resilience4j circuit breakers in an application context with Boot's own observation,
 * metrics and OpenTelemetry tracing auto-configurations, spans collected by the
 * OpenTelemetry SDK's in-memory exporter.
 *
 * @author Inferlens
 */
class CircuitBreakerObservationIntegrationTests {

    private static final AttributeKey<String> NAME = AttributeKey.stringKey("circuit_breaker.name");

    private static final AttributeKey<String> FROM_STATE = AttributeKey.stringKey("circuit_breaker.from_state");

    private static final AttributeKey<String> TO_STATE = AttributeKey.stringKey("circuit_breaker.to_state");

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(
                AutoConfigurations.of(ObservationAutoConfiguration.class, MicrometerTracingAutoConfiguration.class,
                        OpenTelemetrySdkAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class,
                        CompositeMeterRegistryAutoConfiguration.class, CircuitBreakerMetricsAutoConfiguration.class))
        .withPropertyValues("management.tracing.sampling.probability=1.0")
        .withUserConfiguration(SpanCollection.class, Breakers.class);

    @Test
    void transitionCausedByACallIsAnEventOfThatCallsSpan() {
        this.contextRunner.run((context) -> {
            CircuitBreaker backend = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend");
            Observation observation = Observation.start("inference.call", context.getBean(ObservationRegistry.class));
            try (Observation.Scope scope = observation.openScope()) {
                failTwice(backend);
            }
            finally {
                observation.stop();
            }
            assertThat(backend.getState()).isEqualTo(CircuitBreaker.State.OPEN);
            SpanData span = span(context, "inference.call");
            assertThat(span.getEvents()).singleElement().satisfies((event) -> {
                assertThat(event.getName()).isEqualTo("circuit_breaker.state_transition");
                assertThat(event.getAttributes().get(NAME)).isEqualTo("backend");
                assertThat(event.getAttributes().get(FROM_STATE)).isEqualTo("closed");
                assertThat(event.getAttributes().get(TO_STATE)).isEqualTo("open");
            });
        });
    }

    @Test
    void forcedTransitionsInsideAnObservationUseResilience4jStateNames() {
        this.contextRunner.run((context) -> {
            CircuitBreaker backend = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend");
            Observation.createNotStarted("admin.call", context.getBean(ObservationRegistry.class)).observe(() -> {
                backend.transitionToForcedOpenState();
                backend.transitionToClosedState();
            });
            List<String> events = new ArrayList<>();
            for (EventData event : span(context, "admin.call").getEvents()) {
                events.add(event.getAttributes().get(FROM_STATE) + "->" + event.getAttributes().get(TO_STATE));
            }
            assertThat(events).containsExactly("closed->forced_open", "forced_open->closed");
        });
    }

    @Test
    void gaugeReadsTheStateOfEachBreaker() {
        this.contextRunner.run((context) -> {
            CircuitBreaker backend = context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend");
            List<Double> values = new ArrayList<>();
            values.add(gauge(context, "backend"));
            failTwice(backend);
            values.add(gauge(context, "backend"));
            backend.transitionToHalfOpenState();
            values.add(gauge(context, "backend"));
            backend.transitionToClosedState();
            values.add(gauge(context, "backend"));
            backend.transitionToForcedOpenState();
            values.add(gauge(context, "backend"));
            // Prometheus: inferlens_circuit_breaker_state{name="backend"}
            assertThat(values).containsExactly(0.0, 2.0, 1.0, 0.0, 2.0);
        });
    }

    @Test
    void breakerDefinedBeforeStartupIsBound() {
        this.contextRunner.run((context) -> assertThat(gauge(context, "startup")).isEqualTo(0.0));
    }

    @Test
    void breakerCreatedAfterStartupGetsAGaugeAndLosesItWhenRemoved() {
        this.contextRunner.run((context) -> {
            CircuitBreakerRegistry registry = context.getBean(CircuitBreakerRegistry.class);
            registry.circuitBreaker("late").transitionToOpenState();
            assertThat(gauge(context, "late")).isEqualTo(2.0);
            registry.remove("late");
            assertThat(context.getBean(MeterRegistry.class)
                .find("inferlens.circuit_breaker.state")
                .tag("name", "late")
                .gauge()).isNull();
        });
    }

    @Test
    void everyRegistryBeanIsBound() {
        this.contextRunner.withBean("otherRegistry", CircuitBreakerRegistry.class, CircuitBreakerRegistry::ofDefaults)
            .run((context) -> {
                context.getBean("otherRegistry", CircuitBreakerRegistry.class)
                    .circuitBreaker("other")
                    .transitionToForcedOpenState();
                assertThat(gauge(context, "other")).isEqualTo(2.0);
                assertThat(gauge(context, "startup")).isEqualTo(0.0);
            });
    }

    private static double gauge(ApplicationContext context, String name) {
        return context.getBean(MeterRegistry.class)
            .get("inferlens.circuit_breaker.state")
            .tag("name", name)
            .gauge()
            .value();
    }

    private static SpanData span(ApplicationContext context, String name) {
        return context.getBean(InMemorySpanExporter.class)
            .getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name));
    }

    private static void failTwice(CircuitBreaker breaker) {
        for (int i = 0; i < 2; i++) {
            assertThatIOException().isThrownBy(() -> breaker.executeCheckedRunnable(() -> {
                throw new IOException("model unavailable");
            }));
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Breakers {

        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
                .slidingWindowSize(2)
                .minimumNumberOfCalls(2)
                .failureRateThreshold(50)
                .build());
            registry.circuitBreaker("startup");
            return registry;
        }

    }

}
