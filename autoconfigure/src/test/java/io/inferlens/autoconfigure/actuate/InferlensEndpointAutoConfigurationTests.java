package io.inferlens.autoconfigure.actuate;

import io.inferlens.autoconfigure.stats.StatsAutoConfiguration;
import io.inferlens.autoconfigure.traces.TraceStoreAutoConfiguration;
import io.inferlens.spring.actuate.InferlensEndpoint;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.traces.TraceStore;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InferlensEndpointAutoConfiguration}, and for the statistics and trace
 * store turning themselves on when the endpoint is there to read them.
 *
 * @author Inferlens
 */
class InferlensEndpointAutoConfigurationTests {

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                InferlensEndpointAutoConfiguration.class, StatsAutoConfiguration.class,
                TraceStoreAutoConfiguration.class));

    @Test
    void endpointStatisticsAndTraceStoreAreAbsentUntilTheEndpointIsExposed() {
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(InferlensEndpoint.class)
            .doesNotHaveBean(RequestStatistics.class)
            .doesNotHaveBean(TraceStore.class));
    }

    @Test
    void exposingTheEndpointTurnsOnTheStatisticsAndTraceStoreItReads() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=inferlens")
            .run((context) -> assertThat(context).hasSingleBean(InferlensEndpoint.class)
                .hasSingleBean(RequestStatistics.class)
                .hasSingleBean(TraceStore.class));
    }

    @Test
    void statisticsAndTraceStoreStayOffWhenSetFalseEvenWithTheEndpoint() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=inferlens", "inferlens.stats.enabled=false",
                    "inferlens.trace-store.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(InferlensEndpoint.class)
                .doesNotHaveBean(RequestStatistics.class)
                .doesNotHaveBean(TraceStore.class));
    }

    @Test
    void statisticsAndTraceStoreCanBeTurnedOnWithoutTheEndpoint() {
        this.contextRunner.withPropertyValues("inferlens.stats.enabled=true", "inferlens.trace-store.enabled=true")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensEndpoint.class)
                .hasSingleBean(RequestStatistics.class)
                .hasSingleBean(TraceStore.class));
    }

    @Test
    void endpointWithAccessNoneIsAbsent() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=inferlens",
                    "management.endpoint.inferlens.access=NONE")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensEndpoint.class)
                .doesNotHaveBean(RequestStatistics.class));
    }

    @Test
    void backsOffWhenUserDefinesEndpoint() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=inferlens")
            .withUserConfiguration(UserEndpoint.class)
            .run((context) -> assertThat(context).getBean(InferlensEndpoint.class)
                .isSameAs(context.getBean(UserEndpoint.class).endpoint));
    }

    @Test
    void isOffWhenInferlensIsDisabled() {
        this.contextRunner
            .withPropertyValues("management.endpoints.web.exposure.include=inferlens", "inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensEndpoint.class)
                .doesNotHaveBean(RequestStatistics.class));
    }

    @Test
    void isOffWithoutActuator() {
        new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(InferlensEndpointAutoConfiguration.class))
            .withPropertyValues("management.endpoints.web.exposure.include=inferlens")
            .withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate.endpoint"))
            .run((context) -> assertThat(context).doesNotHaveBean(InferlensEndpoint.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class UserEndpoint {

        final InferlensEndpoint endpoint = new InferlensEndpoint(null, null, null, null, null);

        @Bean
        InferlensEndpoint userInferlensEndpoint() {
            return this.endpoint;
        }

    }

}
