package io.inferlens.autoconfigure.dashboard;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.inferlens.autoconfigure.actuate.InferlensEndpointAutoConfiguration;
import io.inferlens.spring.actuate.InferlensEndpoint;
import io.inferlens.spring.dashboard.DashboardContent;
import io.inferlens.spring.dashboard.DashboardPage;
import io.inferlens.spring.dashboard.ReactiveDashboardPage;
import io.inferlens.spring.web.reactive.ReactivePathObservationPredicate;
import io.inferlens.spring.web.servlet.PathObservationPredicate;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

/**
 * Auto-configuration of the dashboard page, when {@code inferlens.dashboard.enabled} is
 * {@code true} in a web application: a {@link DashboardPage} (Spring MVC) or
 * {@link ReactiveDashboardPage} (Spring WebFlux) at {@code inferlens.dashboard.path}
 * reading the {@code inferlens} endpoint, and an observation predicate so that the page
 * and its polling of the endpoint are not themselves traced and counted.
 *
 * @author Inferlens
 */
@AutoConfiguration(after = InferlensEndpointAutoConfiguration.class,
        afterName = "org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration")
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(DashboardProperties.PREFIX + ".enabled")
@ConditionalOnWebApplication
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints")
@EnableConfigurationProperties(DashboardProperties.class)
public final class DashboardAutoConfiguration {

    private static final Log logger = LogFactory.getLog(DashboardAutoConfiguration.class);

    static final String DEFAULT_API_PATH = "/actuator/" + InferlensEndpoint.ID;

    static final String HANDLER_MAPPING_NAME = "inferlensDashboardHandlerMapping";

    static final String PREDICATE_NAME = "inferlensDashboardObservationPredicate";

    /**
     * Order of the page's handler mapping: before the static resources and the
     * controllers, so that the page's path is its own.
     */
    static final int HANDLER_MAPPING_ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.SERVLET)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class ServletConfiguration {

        @Bean
        @ConditionalOnMissingBean
        DashboardPage inferlensDashboardPage(DashboardProperties properties,
                ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<InferlensEndpoint> endpoint,
                Environment environment) {
            return new DashboardPage(path(properties), apiPath(properties, endpoints, endpoint, environment),
                    refresh(properties));
        }

        @Bean
        @ConditionalOnMissingBean(name = HANDLER_MAPPING_NAME)
        SimpleUrlHandlerMapping inferlensDashboardHandlerMapping(DashboardPage page) {
            SimpleUrlHandlerMapping mapping = new SimpleUrlHandlerMapping(handlers(page.getContent(), page));
            mapping.setOrder(HANDLER_MAPPING_ORDER);
            return mapping;
        }

        @Bean
        @ConditionalOnMissingBean(name = PREDICATE_NAME)
        @ConditionalOnClass(name = "io.micrometer.observation.ObservationPredicate")
        static PathObservationPredicate inferlensDashboardObservationPredicate(DashboardProperties properties,
                Environment environment) {
            return new PathObservationPredicate(unobservedPaths(properties, environment));
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.REACTIVE)
    @ConditionalOnClass(name = "org.springframework.web.reactive.DispatcherHandler")
    static class ReactiveConfiguration {

        @Bean
        @ConditionalOnMissingBean
        ReactiveDashboardPage inferlensReactiveDashboardPage(DashboardProperties properties,
                ObjectProvider<PathMappedEndpoints> endpoints, ObjectProvider<InferlensEndpoint> endpoint,
                Environment environment) {
            return new ReactiveDashboardPage(path(properties), apiPath(properties, endpoints, endpoint, environment),
                    refresh(properties));
        }

        @Bean
        @ConditionalOnMissingBean(name = HANDLER_MAPPING_NAME)
        org.springframework.web.reactive.handler.SimpleUrlHandlerMapping inferlensDashboardHandlerMapping(
                ReactiveDashboardPage page) {
            return new org.springframework.web.reactive.handler.SimpleUrlHandlerMapping(
                    handlers(page.getContent(), page), HANDLER_MAPPING_ORDER);
        }

        @Bean
        @ConditionalOnMissingBean(name = PREDICATE_NAME)
        @ConditionalOnClass(name = "io.micrometer.observation.ObservationPredicate")
        static ReactivePathObservationPredicate inferlensDashboardObservationPredicate(DashboardProperties properties,
                Environment environment) {
            return new ReactivePathObservationPredicate(unobservedPaths(properties, environment));
        }

    }

    private static String path(DashboardProperties properties) {
        String path = properties.getPath();
        if (path == null || !path.startsWith("/") || path.equals("/") || path.contains("*")) {
            throw new InvalidConfigurationPropertyValueException(DashboardProperties.PREFIX + ".path", path,
                    "Must start with '/', not be '/' alone, and hold no wildcard.");
        }
        return path;
    }

    private static Duration refresh(DashboardProperties properties) {
        if (properties.getRefresh().toMillis() < 500) {
            throw new InvalidConfigurationPropertyValueException(DashboardProperties.PREFIX + ".refresh",
                    properties.getRefresh(), "Must be at least 500ms.");
        }
        return properties.getRefresh();
    }

    private static Map<String, Object> handlers(DashboardContent content, Object handler) {
        Map<String, Object> handlers = new LinkedHashMap<>();
        for (String path : content.getPaths()) {
            handlers.put(path, handler);
        }
        return handlers;
    }

    /**
     * The page and the endpoint it polls. From the environment only: the registry applies
     * predicates as it is created, before the endpoints that the page and the endpoint
     * beans depend on.
     */
    private static List<String> unobservedPaths(DashboardProperties properties, Environment environment) {
        List<String> paths = new ArrayList<>();
        paths.add(properties.getPath());
        String api = configuredApiPath(properties);
        if (api == null) {
            String basePath = trimTrailingSlash(
                    environment.getProperty("management.endpoints.web.base-path", "/actuator").trim());
            String mapping = environment.getProperty("management.endpoints.web.path-mapping." + InferlensEndpoint.ID,
                    InferlensEndpoint.ID);
            api = basePath + "/" + mapping;
        }
        if (api.startsWith("/")) {
            paths.add(api);
        }
        return paths;
    }

    private static @Nullable String configuredApiPath(DashboardProperties properties) {
        String configured = properties.getApiPath();
        return (configured != null && !configured.isBlank()) ? configured.trim() : null;
    }

    private static String trimTrailingSlash(String path) {
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String apiPath(DashboardProperties properties, ObjectProvider<PathMappedEndpoints> endpoints,
            ObjectProvider<InferlensEndpoint> endpoint, Environment environment) {
        String configured = configuredApiPath(properties);
        if (configured != null) {
            if (!configured.startsWith("/") && !configured.startsWith("http://") && !configured.startsWith("https://")
                    || configured.startsWith("//")) {
                throw new InvalidConfigurationPropertyValueException(DashboardProperties.PREFIX + ".api-path",
                        configured, "Must be a path starting with '/' or an http(s) URL.");
            }
            return configured;
        }
        PathMappedEndpoints mapped = endpoints.getIfAvailable();
        String path = (mapped != null) ? mapped.getPath(EndpointId.of(InferlensEndpoint.ID)) : null;
        if (path == null || endpoint.getIfAvailable() == null) {
            logger.warn("The Inferlens dashboard is enabled but the inferlens endpoint it reads is not exposed over"
                    + " HTTP: add inferlens to management.endpoints.web.exposure.include, or set "
                    + DashboardProperties.PREFIX + ".api-path");
            return DEFAULT_API_PATH;
        }
        String managementPort = environment.getProperty("management.server.port");
        if (managementPort != null && !managementPort.equals(environment.getProperty("server.port", "8080"))) {
            logger.warn("The Inferlens dashboard reads the inferlens endpoint at " + path + " on its own server, but"
                    + " management.server.port moves the endpoints to port " + managementPort + ": set "
                    + DashboardProperties.PREFIX + ".api-path to the endpoint's URL, and allow the page's origin in"
                    + " management.endpoints.web.cors.allowed-origins");
        }
        return path;
    }

}
