package io.inferlens.autoconfigure.web;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps credentials out of the log when Tomcat rejects a malformed request: by default
 * Tomcat logs the first rejected request header of each day at INFO with the whole header
 * line, so an {@code Authorization} header with a control character in it prints its
 * token. This sets {@code logging.level.org.apache.coyote.http11.Http11Processor} to
 * {@code warn} as a default, the lowest-precedence property source, so any value the
 * application sets wins. The request is still answered with a 400. Not applied when
 * {@code inferlens.enabled} is {@code false}.
 *
 * @author Inferlens
 */
public class RequestParsingLogLevelEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    /**
     * Name of the property source holding the default.
     */
    public static final String PROPERTY_SOURCE_NAME = "inferlensLoggingDefaults";

    static final String LOGGER_LEVEL = "logging.level.org.apache.coyote.http11.Http11Processor";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (!environment.getProperty("inferlens.enabled", Boolean.class, true)
                || environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
            return;
        }
        environment.getPropertySources()
            .addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(LOGGER_LEVEL, "warn")));
    }

    @Override
    public int getOrder() {
        // After the application's configuration files are loaded.
        return Ordered.LOWEST_PRECEDENCE;
    }

}
