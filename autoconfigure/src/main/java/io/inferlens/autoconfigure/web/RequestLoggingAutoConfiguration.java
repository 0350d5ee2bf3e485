package io.inferlens.autoconfigure.web;

import java.util.List;

import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.spring.web.reactive.RequestLoggingWebFilter;
import io.inferlens.spring.web.servlet.RequestLoggingFilter;
import io.inferlens.web.RequestLogMasker;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.slf4j.spi.LoggingEventBuilder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingFilterBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;

/**
 * Auto-configuration of request logging: one log line per request, with its request id,
 * route and trace. In a servlet web application it is the {@link RequestLoggingFilter},
 * registered right after Spring's {@code ServerHttpObservationFilter} (which Boot
 * registers at {@code Ordered.HIGHEST_PRECEDENCE + 1}), so that the request's span exists
 * when it runs, and before security filters, so that rejected requests are logged too. In
 * a reactive web application it is the {@link RequestLoggingWebFilter}, ordered before
 * Spring Security's filter chain; the server observation is Spring WebFlux's own.
 *
 * @author Inferlens
 */
@AutoConfiguration
@ConditionalOnWebApplication
@ConditionalOnClass(LoggingEventBuilder.class)
@ConditionalOnBooleanProperty(name = "inferlens.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "inferlens.request-logging.enabled", matchIfMissing = true)
@EnableConfigurationProperties(RequestLoggingProperties.class)
public final class RequestLoggingAutoConfiguration {

    /**
     * Name of the servlet filter's registration bean, and of the filter in the servlet
     * context.
     */
    public static final String FILTER_NAME = "inferlensRequestLoggingFilter";

    /**
     * Order of the servlet filter: right after Boot's
     * {@code ServerHttpObservationFilter}.
     */
    public static final int FILTER_ORDER = Ordered.HIGHEST_PRECEDENCE + 2;

    private static final Log logger = LogFactory.getLog(RequestLoggingAutoConfiguration.class);

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.SERVLET)
    @ConditionalOnClass({ Filter.class, OncePerRequestFilter.class })
    static class ServletConfiguration {

        @Bean(FILTER_NAME)
        @ConditionalOnMissingBean(name = FILTER_NAME)
        @ConditionalOnMissingFilterBean(RequestLoggingFilter.class)
        FilterRegistrationBean<RequestLoggingFilter> inferlensRequestLoggingFilter(RequestLoggingProperties properties,
                Environment environment) {
            RequestLoggingFilter filter = new RequestLoggingFilter(options(properties, environment));
            FilterRegistrationBean<RequestLoggingFilter> registration = new FilterRegistrationBean<>(filter);
            registration.setName(FILTER_NAME);
            registration.setOrder(FILTER_ORDER);
            registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
            return registration;
        }

    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnWebApplication(type = Type.REACTIVE)
    @ConditionalOnClass(WebFilter.class)
    static class ReactiveConfiguration {

        @Bean
        @ConditionalOnMissingBean
        RequestLoggingWebFilter inferlensRequestLoggingWebFilter(RequestLoggingProperties properties,
                Environment environment) {
            return new RequestLoggingWebFilter(options(properties, environment));
        }

    }

    static RequestLoggingOptions options(RequestLoggingProperties properties, Environment environment) {
        if (properties.isIncludeRequestBody() || properties.isIncludeResponseBody()) {
            logger.warn("inferlens.request-logging.include-request-body or include-response-body is true: request and"
                    + " response bodies, such as prompts and completions, are logged (secrets masked); they may hold"
                    + " personal data");
        }
        List<String> excludePaths = properties.getExcludePaths();
        return RequestLoggingOptions.builder()
            .requestIdHeader(properties.getRequestIdHeader())
            .excludedPaths((excludePaths != null) ? excludePaths : defaultExcludePaths(environment))
            .minStatus(properties.getMinStatus())
            .slowThreshold(properties.getSlowThreshold())
            .includeClientAddress(properties.isIncludeClientAddress())
            .includeQuery(properties.isIncludeQuery())
            .includedHeaders(properties.getIncludeHeaders())
            .includeRequestBody(properties.isIncludeRequestBody())
            .includeResponseBody(properties.isIncludeResponseBody())
            .maxBodySize((int) properties.getMaxBodySize().toBytes())
            // Structured console logs show headers and bodies as fields already.
            .detailsInMessage(!StringUtils.hasText(environment.getProperty("logging.structured.format.console")))
            .masker(new RequestLogMasker(properties.getMaskedHeaders(), properties.getMaskedParameters(),
                    properties.getMaskedFields()))
            .build();
    }

    /**
     * The actuator's endpoints, unless they are mapped to the root, where excluding them
     * would exclude everything.
     */
    private static List<String> defaultExcludePaths(Environment environment) {
        String basePath = environment.getProperty("management.endpoints.web.base-path", "/actuator").trim();
        while (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        if (basePath.isEmpty()) {
            return List.of();
        }
        return List.of((basePath.startsWith("/") ? basePath : "/" + basePath) + "/**");
    }

}
