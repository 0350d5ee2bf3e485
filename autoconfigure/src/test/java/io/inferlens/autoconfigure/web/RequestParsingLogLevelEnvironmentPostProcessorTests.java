package io.inferlens.autoconfigure.web;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestParsingLogLevelEnvironmentPostProcessor}, through a real
 * {@link SpringApplication}: it is found in {@code spring.factories} and ordered after
 * the application's own configuration.
 *
 * @author Inferlens
 */
class RequestParsingLogLevelEnvironmentPostProcessorTests {

    @Test
    void tomcatsRequestParsingLoggerDefaultsToWarn() {
        assertThat(level()).isEqualTo("warn");
    }

    @Test
    void applicationsOwnLevelWins() {
        assertThat(level("--logging.level.org.apache.coyote.http11.Http11Processor=debug")).isEqualTo("debug");
    }

    @Test
    void nothingIsSetWhenInferlensIsDisabled() {
        assertThat(level("--inferlens.enabled=false")).isNull();
    }

    private static String level(String... arguments) {
        SpringApplication application = new SpringApplication(Config.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(List.of(arguments).toArray(String[]::new))) {
            return context.getEnvironment().getProperty(RequestParsingLogLevelEnvironmentPostProcessor.LOGGER_LEVEL);
        }
    }

    static class Config {

    }

}
