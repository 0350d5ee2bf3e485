package io.inferlens.autoconfigure.stats;

import io.inferlens.autoconfigure.actuate.InferlensEndpointAutoConfiguration;
import io.inferlens.autoconfigure.inference.InferenceAutoConfiguration;
import io.inferlens.autoconfigure.traced.TracedAutoConfiguration;
import io.inferlens.spring.web.reactive.ReactiveServerRequestSource;
import io.inferlens.spring.web.servlet.ServletServerRequestSource;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.stats.ServerRequestSource;
import io.inferlens.stats.StatsObservationHandler;
import io.micrometer.observation.ObservationHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Auto-configuration of Inferlens' rolling request statistics: the in-memory
 * {@link RequestStatistics} of the last fifteen minutes and the observation handler that
 * feeds it from HTTP server requests and the operations Inferlens instruments. The
 * statistics are also an {@link io.inferlens.inference.InferenceRecordListener}: models,
 * tokens and cost come from each model call's record. Boot registers the handler on its
 * own, apart from the meter and tracing handlers.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = { TracedAutoConfiguration.class, InferenceAutoConfiguration.class },
        afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration" })
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@Conditional(StatsAutoConfiguration.OnEnabledOrRead.class)
@EnableConfigurationProperties(StatsProperties.class)
public final class StatsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    RequestStatistics inferlensRequestStatistics(StatsProperties properties) {
        return new RequestStatistics(properties.getMaxOperations(), properties.getMaxModels());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(ObservationHandler.class)
    static class StatsObservationConfiguration {

        @Bean
        @ConditionalOnMissingBean
        @Order(TracedAutoConfiguration.TRACED_OBSERVATION_HANDLER_ORDER)
        StatsObservationHandler inferlensStatsObservationHandler(RequestStatistics statistics,
                ObjectProvider<ServerRequestSource> serverRequests) {
            return new StatsObservationHandler(statistics, serverRequests.getIfUnique(() -> ServerRequestSource.NONE));
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
    @ConditionalOnClass(name = { "org.springframework.http.server.observation.ServerRequestObservationContext",
            "jakarta.servlet.http.HttpServletRequest" })
    static class ServletServerRequestsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ServletServerRequestSource inferlensServletServerRequestSource() {
            return new ServletServerRequestSource();
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.http.server.reactive.observation.ServerRequestObservationContext")
    static class ReactiveServerRequestsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ReactiveServerRequestSource inferlensReactiveServerRequestSource() {
            return new ReactiveServerRequestSource();
        }

    }

    /**
     * On when {@code inferlens.stats.enabled} is {@code true}, or when it is not set and
     * the {@code inferlens} endpoint is there to read the statistics.
     */
    static final class OnEnabledOrRead extends AnyNestedCondition {

        OnEnabledOrRead() {
            super(ConfigurationPhase.REGISTER_BEAN);
        }

        @ConditionalOnBooleanProperty("inferlens.stats.enabled")
        static class Enabled {

        }

        @ConditionalOnBooleanProperty(name = "inferlens.stats.enabled", matchIfMissing = true)
        @ConditionalOnBean(type = InferlensEndpointAutoConfiguration.ENDPOINT_TYPE)
        static class ReadByEndpoint {

        }

    }

}
