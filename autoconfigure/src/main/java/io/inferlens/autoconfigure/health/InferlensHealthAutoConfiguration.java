package io.inferlens.autoconfigure.health;

import java.time.Duration;
import java.util.Locale;

import io.inferlens.autoconfigure.circuitbreaker.CircuitBreakerMetricsAutoConfiguration;
import io.inferlens.autoconfigure.stats.StatsAutoConfiguration;
import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.spring.health.InferlensHealthIndicator;
import io.inferlens.stats.RequestStatistics;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of the {@link InferlensHealthIndicator}, contributed as
 * {@code inferlens} to Spring Boot's health endpoint unless
 * {@code management.health.inferlens.enabled=false}. It checks the circuit breakers, and
 * the error rate when the rolling statistics are on.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = { StatsAutoConfiguration.class, CircuitBreakerMetricsAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnClass(name = "org.springframework.boot.health.contributor.HealthIndicator")
@EnableConfigurationProperties(InferlensHealthProperties.class)
public final class InferlensHealthAutoConfiguration {

    private static final Duration MIN_WINDOW = Duration.ofSeconds(10);

    private static final Duration MAX_WINDOW = Duration.ofMinutes(15);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnEnabledHealthIndicator("inferlens")
    static class HealthIndicatorConfiguration {

        @Bean
        @ConditionalOnMissingBean(name = "inferlensHealthIndicator")
        InferlensHealthIndicator inferlensHealthIndicator(InferlensHealthProperties properties,
                ObjectProvider<RequestStatistics> statistics, ObjectProvider<CircuitBreakerMetrics> circuitBreakers) {
            validate(properties);
            return new InferlensHealthIndicator(statistics.getIfUnique(), circuitBreakers.getIfUnique(),
                    properties.getWindow(), properties.getErrorRateThreshold(), properties.getMinimumRequests(),
                    status(properties.getStatus()));
        }

    }

    static void validate(InferlensHealthProperties properties) {
        double threshold = properties.getErrorRateThreshold();
        if (!(threshold >= 0 && threshold <= 1)) {
            throw new InvalidConfigurationPropertyValueException(
                    InferlensHealthProperties.PREFIX + ".error-rate-threshold", threshold,
                    "Must be between 0 and 1 (0.25 is 25%).");
        }
        Duration window = properties.getWindow();
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new InvalidConfigurationPropertyValueException(InferlensHealthProperties.PREFIX + ".window", window,
                    "Must be from 10s to 15m: the statistics keep fifteen minutes in buckets of ten seconds.");
        }
        if (properties.getMinimumRequests() < 0) {
            throw new InvalidConfigurationPropertyValueException(InferlensHealthProperties.PREFIX + ".minimum-requests",
                    properties.getMinimumRequests(), "Must not be negative.");
        }
        String status = properties.getStatus();
        if (status == null || status.isBlank() || Status.UP.getCode().equalsIgnoreCase(status.trim())) {
            throw new InvalidConfigurationPropertyValueException(InferlensHealthProperties.PREFIX + ".status", status,
                    "Must name the status reported when degraded, such as DEGRADED, DOWN or OUT_OF_SERVICE; not UP.");
        }
    }

    private static Status status(String code) {
        String normalized = code.trim().toUpperCase(Locale.ROOT);
        if (InferlensHealthIndicator.DEGRADED.getCode().equals(normalized)) {
            return InferlensHealthIndicator.DEGRADED;
        }
        return new Status(normalized);
    }

}
