package io.inferlens.sample.gateway;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link GatewayProperties}: impossible values fail startup with the key named.
 *
 * @author Inferlens
 */
class GatewayPropertiesTests {

    private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
        .withUserConfiguration(PropertiesConfiguration.class);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = { "gateway.backend.timeout=0s|gateway.backend.timeout",
            "gateway.simulator.latency=-5ms|gateway.simulator.latency",
            "gateway.simulator.error-rate=1.5|gateway.simulator.errorRate",
            "gateway.router.threshold=-0.1|gateway.router.threshold",
            "gateway.backend.url=not a url|gateway.backend.url", "gateway.models.powerful=|gateway.models.powerful" })
    void impossibleValuesFailStartupNamingTheKey(String property, String key) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).hasStackTraceContaining(key);
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(GatewayProperties.class)
    static class PropertiesConfiguration {

    }

}
