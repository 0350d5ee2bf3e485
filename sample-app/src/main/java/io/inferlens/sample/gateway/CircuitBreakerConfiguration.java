package io.inferlens.sample.gateway;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * One Resilience4j circuit breaker per backend model, created on first use. Inferlens
 * binds every breaker of this registry to the {@code inferlens_circuit_breaker_state}
 * gauge, those created later included.
 *
 * @author Inferlens
 */
@Configuration(proxyBeanMethods = false)
class CircuitBreakerConfiguration {

    @Bean
    CircuitBreakerRegistry circuitBreakerRegistry(GatewayProperties properties) {
        GatewayProperties.CircuitBreaker settings = properties.getCircuitBreaker();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
            .failureRateThreshold(settings.getFailureRateThreshold())
            .slidingWindowSize(settings.getSlidingWindowSize())
            .minimumNumberOfCalls(settings.getSlidingWindowSize())
            .waitDurationInOpenState(settings.getWaitInOpenState())
            .recordException(CircuitBreakerConfiguration::isBackendFailure)
            .build();
        return CircuitBreakerRegistry.of(config);
    }

    /**
     * Whether an exception says the backend is unwell: unreachable, or an HTTP 5xx. A
     * rejected request (4xx) says nothing of the backend's health.
     */
    static boolean isBackendFailure(Throwable ex) {
        return ex instanceof BackendException backend
                && (backend.getBackendStatus() == 0 || backend.getBackendStatus() >= 500);
    }

}
