package io.inferlens.autoconfigure.actuate;

import io.inferlens.autoconfigure.stats.StatsAutoConfiguration;
import io.inferlens.autoconfigure.traces.TraceStoreAutoConfiguration;
import io.inferlens.circuitbreaker.CircuitBreakerMetrics;
import io.inferlens.errors.RecentErrors;
import io.inferlens.experiments.Experiments;
import io.inferlens.spring.actuate.InferlensEndpoint;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.traces.TraceStore;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code inferlens} Actuator endpoint, when it is available:
 * like every endpoint, when its access is not {@code none} and it is exposed, for example
 * with {@code management.endpoints.web.exposure.include=inferlens}.
 * <p>
 * Runs before the statistics and trace store auto-configurations, which turn themselves
 * on when the endpoint is there to read them, unless {@code inferlens.stats.enabled} or
 * {@code inferlens.trace-store.enabled} is {@code false}.
 *
 * @author Inferlens
 */
@AutoConfiguration(before = { StatsAutoConfiguration.class, TraceStoreAutoConfiguration.class })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
public final class InferlensEndpointAutoConfiguration {

    /**
     * The type of the endpoint bean, by name so that conditions on it need not load it.
     */
    public static final String ENDPOINT_TYPE = "io.inferlens.spring.actuate.InferlensEndpoint";

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint(InferlensEndpoint.class)
    InferlensEndpoint inferlensEndpoint(ObjectProvider<RequestStatistics> statistics, ObjectProvider<TraceStore> traces,
            ObjectProvider<RecentErrors> errors, ObjectProvider<Experiments> experiments,
            ObjectProvider<CircuitBreakerMetrics> circuitBreakers) {
        return new InferlensEndpoint(statistics.getIfUnique(), traces.getIfUnique(), errors.getIfUnique(),
                experiments.getIfUnique(), circuitBreakers.getIfUnique());
    }

}
