package io.inferlens.autoconfigure.web;

import java.time.Duration;
import java.util.EnumSet;

import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.spring.web.reactive.RequestLoggingWebFilter;
import io.inferlens.spring.web.servlet.RequestLoggingFilter;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableWebApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestLoggingAutoConfiguration}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestLoggingAutoConfigurationTests {

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RequestLoggingAutoConfiguration.class));

    private final ReactiveWebApplicationContextRunner reactiveContextRunner = new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(RequestLoggingAutoConfiguration.class));

    @Test
    void registersNamedFilterAfterTheServerObservationFilterWithDefaults() {
        this.contextRunner.run((context) -> {
            FilterRegistrationBean<RequestLoggingFilter> registration = registration(context);
            assertThat(registration.getFilterName()).isEqualTo("inferlensRequestLoggingFilter");
            // Boot's WebMvcObservationAutoConfiguration orders
            // ServerHttpObservationFilter
            // at HIGHEST_PRECEDENCE + 1.
            assertThat(registration.getOrder()).isGreaterThan(Ordered.HIGHEST_PRECEDENCE + 1)
                .isLessThan(-100 /* Spring Security's filter chain */);
            assertThat(registration.determineDispatcherTypes())
                .isEqualTo(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
            RequestLoggingOptions options = registration.getFilter().getOptions();
            assertThat(options.getRequestIdHeader()).isEqualTo("X-Request-Id");
            assertThat(options.getMinStatus()).isZero();
            assertThat(options.getSlowThresholdNanos()).isEqualTo(Duration.ofSeconds(2).toNanos());
            assertThat(options.getMaxBodySize()).isEqualTo(2048);
            assertThat(options.isIncludeClientAddress()).isFalse();
            assertThat(options.isIncludeQuery()).isFalse();
            assertThat(options.getIncludedHeaders()).isEmpty();
            assertThat(options.isIncludeRequestBody()).isFalse();
            assertThat(options.isIncludeResponseBody()).isFalse();
            assertThat(options.isDetailsInMessage()).isTrue();
            assertThat(options.isExcluded("/actuator/health")).isTrue();
            assertThat(options.isExcluded("/actuator")).isTrue();
            assertThat(options.isExcluded("/v1/chat/completions")).isFalse();
        });
    }

    @Test
    void propertiesConfigureTheFilter() {
        this.contextRunner.withPropertyValues("inferlens.request-logging.request-id-header=X-Correlation-Id",
                "inferlens.request-logging.min-status=400", "inferlens.request-logging.slow-threshold=500ms",
                "inferlens.request-logging.include-client-address=true", "inferlens.request-logging.include-query=true",
                "inferlens.request-logging.include-headers=X-Tenant,X-Api-Key,my.header",
                "inferlens.request-logging.masked-headers=X-Tenant", "inferlens.request-logging.masked-parameters=ssn",
                "inferlens.request-logging.masked-fields=email", "inferlens.request-logging.max-body-size=1KB",
                "inferlens.request-logging.exclude-paths=/health,/internal/**")
            .run((context) -> {
                RequestLoggingOptions options = registration(context).getFilter().getOptions();
                assertThat(options.getRequestIdHeader()).isEqualTo("X-Correlation-Id");
                assertThat(options.getMinStatus()).isEqualTo(400);
                assertThat(options.getSlowThresholdNanos()).isEqualTo(Duration.ofMillis(500).toNanos());
                assertThat(options.isIncludeClientAddress()).isTrue();
                assertThat(options.isIncludeQuery()).isTrue();
                assertThat(options.getIncludedHeaders()).containsExactly(
                        entry("x-tenant", "http.request.header.x-tenant"),
                        entry("x-api-key", "http.request.header.x-api-key"),
                        entry("my.header", "http.request.header.my_header"));
                assertThat(options.getMasker().maskHeader("X-Tenant", "acme")).isEqualTo("****");
                assertThat(options.getMasker().maskQuery("ssn=1&q=2")).isEqualTo("ssn=****&q=2");
                assertThat(options.getMasker().maskJson("{\"email\":\"a@b\"}")).isEqualTo("{\"email\":\"****\"}");
                assertThat(options.getMaxBodySize()).isEqualTo(1024);
                assertThat(options.isExcluded("/health")).isTrue();
                assertThat(options.isExcluded("/internal/a/b")).isTrue();
                assertThat(options.isExcluded("/actuator/health")).isFalse();
            });
    }

    @Test
    void actuatorBasePathIsExcludedByDefault() {
        this.contextRunner.withPropertyValues("management.endpoints.web.base-path=/manage/").run((context) -> {
            RequestLoggingOptions options = registration(context).getFilter().getOptions();
            assertThat(options.isExcluded("/manage/health")).isTrue();
            assertThat(options.isExcluded("/actuator/health")).isFalse();
        });
        this.contextRunner.withPropertyValues("management.endpoints.web.base-path=/").run((context) -> {
            assertThat(registration(context).getFilter().getOptions().isExcluded("/health")).isFalse();
        });
    }

    @Test
    void emptyExcludePathsLogEveryRequest() {
        this.contextRunner.withPropertyValues("inferlens.request-logging.exclude-paths=")
            .run((context) -> assertThat(registration(context).getFilter().getOptions().isExcluded("/actuator/health"))
                .isFalse());
    }

    @Test
    void detailsStayOutOfTheMessageWithStructuredConsoleLogging() {
        this.contextRunner.withPropertyValues("logging.structured.format.console=ecs")
            .run((context) -> assertThat(registration(context).getFilter().getOptions().isDetailsInMessage())
                .isFalse());
    }

    @Test
    void warnsAtStartupWhenBodiesAreLogged(CapturedOutput output) {
        this.contextRunner.run((context) -> assertThat(output).doesNotContain("prompts and completions"));
        this.contextRunner.withPropertyValues("inferlens.request-logging.include-response-body=true")
            .run((context) -> assertThat(output).contains("WARN")
                .contains("request and response bodies, such as prompts and completions, are logged"));
    }

    @Test
    void backsOffWhenUserDefinesRegistrationWithTheSameName() {
        FilterRegistrationBean<OncePerRequestFilter> user = new FilterRegistrationBean<>();
        this.contextRunner.withBean("inferlensRequestLoggingFilter", FilterRegistrationBean.class, () -> user)
            .run((context) -> assertThat(context.getBean("inferlensRequestLoggingFilter")).isSameAs(user));
    }

    @Test
    void backsOffWhenUserRegistersTheFilterUnderAnotherName() {
        this.contextRunner.withUserConfiguration(UserRegistration.class).run((context) -> {
            assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter");
            assertThat(context.getBean("myRequestLogging")).isSameAs(UserRegistration.REGISTRATION);
        });
    }

    @Test
    void backsOffWhenUserDefinesTheFilterAsABean() {
        RequestLoggingFilter user = new RequestLoggingFilter(RequestLoggingOptions.builder().build());
        this.contextRunner.withBean(RequestLoggingFilter.class, () -> user).run((context) -> {
            assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter");
            assertThat(context.getBean(RequestLoggingFilter.class)).isSameAs(user);
        });
    }

    @Test
    void isDisabledByItsProperty() {
        this.contextRunner.withPropertyValues("inferlens.request-logging.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter")
                .doesNotHaveBean(RequestLoggingProperties.class));
    }

    @Test
    void isDisabledWithInferlens() {
        this.contextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter"));
    }

    @Test
    void doesNothingOutsideWebApplications() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(RequestLoggingAutoConfiguration.class))
            .run((context) -> assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter")
                .doesNotHaveBean(RequestLoggingWebFilter.class)
                .doesNotHaveBean(RequestLoggingProperties.class));
    }

    @Test
    void servletApplicationsGetNoWebFilter() {
        this.contextRunner.run((context) -> assertThat(context).hasBean("inferlensRequestLoggingFilter")
            .doesNotHaveBean(RequestLoggingWebFilter.class));
    }

    @Test
    void reactiveApplicationsGetTheWebFilterConfiguredByTheSameProperties() {
        this.reactiveContextRunner
            .withPropertyValues("inferlens.request-logging.request-id-header=X-Correlation-Id",
                    "inferlens.request-logging.include-headers=X-Tenant",
                    "inferlens.request-logging.include-response-body=true")
            .run((context) -> {
                assertThat(context).hasNotFailed().doesNotHaveBean("inferlensRequestLoggingFilter");
                RequestLoggingWebFilter filter = context.getBean(RequestLoggingWebFilter.class);
                // Before Spring Security's WebFilterChainProxy, at -100.
                assertThat(filter.getOrder()).isLessThan(-100);
                RequestLoggingOptions options = filter.getOptions();
                assertThat(options.getRequestIdHeader()).isEqualTo("X-Correlation-Id");
                assertThat(options.getIncludedHeaders()).containsOnlyKeys("x-tenant");
                assertThat(options.isIncludeResponseBody()).isTrue();
                assertThat(options.isExcluded("/actuator/health")).isTrue();
            });
    }

    @Test
    void reactiveFilterBacksOffToTheUsersAndIsDisabledByTheProperties() {
        RequestLoggingWebFilter user = new RequestLoggingWebFilter(RequestLoggingOptions.builder().build());
        this.reactiveContextRunner.withBean(RequestLoggingWebFilter.class, () -> user)
            .run((context) -> assertThat(context).getBean(RequestLoggingWebFilter.class).isSameAs(user));
        this.reactiveContextRunner.withPropertyValues("inferlens.request-logging.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(RequestLoggingWebFilter.class));
        this.reactiveContextRunner.withPropertyValues("inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(RequestLoggingWebFilter.class));
    }

    @Test
    void reactiveFilterNeedsSpringWebFluxAndSlf4j() {
        this.reactiveContextRunner.withClassLoader(new FilteredClassLoader(WebFilter.class))
            .run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RequestLoggingWebFilter.class));
        this.reactiveContextRunner.withClassLoader(new FilteredClassLoader("org.slf4j.spi"))
            .run((context) -> assertThat(context).doesNotHaveBean(RequestLoggingWebFilter.class));
    }

    @Test
    void doesNothingWithoutSpringWebOrSlf4j() {
        this.contextRunner.withClassLoader(new FilteredClassLoader(OncePerRequestFilter.class))
            .run((context) -> assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter"));
        this.contextRunner.withClassLoader(new FilteredClassLoader("org.slf4j.spi"))
            .run((context) -> assertThat(context).doesNotHaveBean("inferlensRequestLoggingFilter"));
    }

    @Test
    void impossibleValuesFailStartupNamingTheProperty() {
        assertFailure("inferlens.request-logging.slow-threshold=-1s", "inferlens.request-logging.slow-threshold");
        assertFailure("inferlens.request-logging.max-body-size=-1B", "inferlens.request-logging.max-body-size");
        assertFailure("inferlens.request-logging.max-body-size=0B", "inferlens.request-logging.max-body-size");
        assertFailure("inferlens.request-logging.max-body-size=4GB", "inferlens.request-logging.max-body-size");
        assertFailure("inferlens.request-logging.min-status=-1", "inferlens.request-logging.min-status");
        assertFailure("inferlens.request-logging.min-status=600", "inferlens.request-logging.min-status");
        assertFailure("inferlens.request-logging.request-id-header= ", "inferlens.request-logging.request-id-header");
        assertFailure("inferlens.request-logging.exclude-paths=/a/**/b/**", "inferlens.request-logging.exclude-paths");
    }

    private void assertFailure(String property, String key) {
        this.contextRunner.withPropertyValues(property).run((context) -> {
            assertThat(context).as(property).hasFailed();
            Throwable failure = context.getStartupFailure();
            StringBuilder messages = new StringBuilder();
            for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
                messages.append(cause.getMessage()).append('\n');
            }
            assertThat(messages.toString()).as(property).contains(key);
        });
    }

    @SuppressWarnings("unchecked")
    private static FilterRegistrationBean<RequestLoggingFilter> registration(AssertableWebApplicationContext context) {
        assertThat(context).hasNotFailed();
        return context.getBean("inferlensRequestLoggingFilter", FilterRegistrationBean.class);
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }

    @Configuration(proxyBeanMethods = false)
    static class UserRegistration {

        static final FilterRegistrationBean<RequestLoggingFilter> REGISTRATION = new FilterRegistrationBean<>(
                new RequestLoggingFilter(RequestLoggingOptions.builder().build()));

        @Bean
        FilterRegistrationBean<RequestLoggingFilter> myRequestLogging() {
            return REGISTRATION;
        }

    }

}
