package io.inferlens.autoconfigure.health;

import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.circuitbreaker.CircuitBreakerState;
import io.inferlens.spring.health.InferlensHealthIndicator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferlensHealthAutoConfiguration}.
 *
 * @author Inferlens
 */
class InferlensHealthAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(InferlensHealthAutoConfiguration.class));

    @Test
    void providesIndicator() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(InferlensHealthIndicator.class);
            assertThat(context.getBean(InferlensHealthIndicator.class).health().getStatus()).isEqualTo(Status.UP);
        });
    }

    @Test
    void isOffWithBootsHealthIndicatorProperty() {
        this.contextRunner.withPropertyValues("management.health.inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensHealthIndicator.class));
    }

    @Test
    void isOffWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensHealthIndicator.class));
    }

    @Test
    void isOffWithoutBootHealth() {
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.health"))
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensHealthIndicator.class));
    }

    @Test
    void backsOffWhenUserDefinesIndicatorOfTheSameName() {
        this.contextRunner.withUserConfiguration(UserIndicator.class)
            .run((context) -> assertThat(context).getBean("inferlensHealthIndicator")
                .isSameAs(context.getBean(UserIndicator.class).indicator));
    }

    @Test
    void thresholdOutsideZeroToOneFailsStartupNamingTheKey() {
        assertStartupFails("inferlens.health.error-rate-threshold=25", "inferlens.health.error-rate-threshold");
        assertStartupFails("inferlens.health.error-rate-threshold=-0.1", "inferlens.health.error-rate-threshold");
    }

    @Test
    void windowOutsideTheStatisticsFailsStartupNamingTheKey() {
        assertStartupFails("inferlens.health.window=20m", "inferlens.health.window");
        assertStartupFails("inferlens.health.window=1s", "inferlens.health.window");
    }

    @Test
    void negativeMinimumOrUpStatusFailsStartupNamingTheKey() {
        assertStartupFails("inferlens.health.minimum-requests=-1", "inferlens.health.minimum-requests");
        assertStartupFails("inferlens.health.status=up", "inferlens.health.status");
    }

    @Test
    void statusAndWindowAreConfigurable() {
        this.contextRunner.withUserConfiguration(OpenBreaker.class)
            .withPropertyValues("inferlens.health.status=down", "inferlens.health.window=1m")
            .run((context) -> {
                Health health = context.getBean(InferlensHealthIndicator.class).health();
                assertThat(health.getStatus()).isEqualTo(Status.DOWN);
                assertThat(health.getDetails()).containsEntry("reason", "circuit breaker 'backend' is open");
            });
    }

    @Test
    void isDegradedByDefault() {
        this.contextRunner.withUserConfiguration(OpenBreaker.class)
            .run((context) -> assertThat(context.getBean(InferlensHealthIndicator.class).health().getStatus())
                .isEqualTo(InferlensHealthIndicator.DEGRADED));
    }

    @Configuration(proxyBeanMethods = false)
    static class OpenBreaker {

        @Bean
        CircuitBreakerMetrics circuitBreakerMetrics() {
            CircuitBreakerMetrics metrics = new CircuitBreakerMetrics(new SimpleMeterRegistry());
            metrics.bind("backend", () -> CircuitBreakerState.OPEN);
            return metrics;
        }

    }

    private void assertStartupFails(String property, String key) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("Property " + key + " with value");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserIndicator {

        final InferlensHealthIndicator indicator = new InferlensHealthIndicator(null, null,
                java.time.Duration.ofMinutes(1), 0.5, 1, Status.DOWN);

        @Bean
        InferlensHealthIndicator inferlensHealthIndicator() {
            return this.indicator;
        }

    }

}
