package io.inferlens.autoconfigure.stats;

import io.inferlens.stats.RequestStatistics;
import io.inferlens.stats.StatsObservationHandler;
import io.micrometer.observation.ObservationHandler;
import io.inferlens.spring.web.reactive.ReactiveServerRequestSource;
import io.inferlens.spring.web.servlet.ServletServerRequestSource;
import io.inferlens.stats.ServerRequestSource;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StatsAutoConfiguration}.
 *
 * @author Inferlens
 */
class StatsAutoConfigurationTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withPropertyValues("inferlens.stats.enabled=true")
        .withConfiguration(AutoConfigurations.of(StatsAutoConfiguration.class));

    @Test
    void providesStatisticsAndTheirObservationHandler() {
        this.contextRunner.run((context) -> {
            assertThat(context).hasSingleBean(RequestStatistics.class).hasSingleBean(StatsObservationHandler.class);
            assertThat(context.getBean(StatsProperties.class).getMaxOperations()).isEqualTo(200);
            assertThat(context.getBean(StatsProperties.class).getMaxModels()).isEqualTo(100);
        });
    }

    @Test
    void capsAreConfigurable() {
        this.contextRunner.withPropertyValues("inferlens.stats.max-operations=1").run((context) -> {
            RequestStatistics statistics = context.getBean(RequestStatistics.class);
            statistics.recordOperation("a", 1, false, true);
            statistics.recordOperation("b", 1, false, true);
            assertThat(statistics.operations()).extracting("name").containsExactly("a", "other");
        });
    }

    @Test
    void backsOffWhenUserDefinesStatisticsAndHandler() {
        this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
            assertThat(context.getBean(RequestStatistics.class)).isSameAs(UserBeans.STATISTICS);
            assertThat(context.getBean(StatsObservationHandler.class)).isSameAs(UserBeans.HANDLER);
        });
    }

    @Test
    void isDisabledByItsProperty() {
        this.contextRunner.withPropertyValues("inferlens.stats.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(RequestStatistics.class)
                .doesNotHaveBean(StatsObservationHandler.class));
    }

    @Test
    void isDisabledWithInferlens() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(RequestStatistics.class)
                .doesNotHaveBean(StatsObservationHandler.class));
    }

    @Test
    void keepsStatisticsWithoutAHandlerWhenMicrometerObservationIsAbsent() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(ObservationHandler.class))
            .run((context) -> assertThat(context).hasSingleBean(RequestStatistics.class)
                .doesNotHaveBean(StatsObservationHandler.class));
    }

    @Test
    void failsAtStartupOnACapBelowOneNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.stats.max-models=0").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessage("inferlens.stats.max-models must be at least 1, but was 0");
        });
        this.contextRunner.withPropertyValues("inferlens.stats.max-operations=-3").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessage("inferlens.stats.max-operations must be at least 1, but was -3");
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class UserBeans {

        static final RequestStatistics STATISTICS = new RequestStatistics(1, 1);

        static final StatsObservationHandler HANDLER = new StatsObservationHandler(STATISTICS);

        @Bean
        RequestStatistics userStatistics() {
            return STATISTICS;
        }

        @Bean
        StatsObservationHandler userHandler() {
            return HANDLER;
        }

    }

    @Test
    void httpSourceFollowsTheWebStack() {
        new ReactiveWebApplicationContextRunner().withPropertyValues("inferlens.stats.enabled=true")
            .withConfiguration(AutoConfigurations.of(StatsAutoConfiguration.class))
            .run((context) -> assertThat(context).hasSingleBean(ReactiveServerRequestSource.class)
                .doesNotHaveBean(ServletServerRequestSource.class));
        new WebApplicationContextRunner().withPropertyValues("inferlens.stats.enabled=true")
            .withConfiguration(AutoConfigurations.of(StatsAutoConfiguration.class))
            .run((context) -> assertThat(context).hasSingleBean(ServletServerRequestSource.class)
                .doesNotHaveBean(ReactiveServerRequestSource.class));
        this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(ServerRequestSource.class));
    }

    @Test
    void offByDefault() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(StatsAutoConfiguration.class))
            .run((context) -> assertThat(context.getBeanDefinitionNames())
                .noneMatch((name) -> name.startsWith("inferlens")));
    }

}
