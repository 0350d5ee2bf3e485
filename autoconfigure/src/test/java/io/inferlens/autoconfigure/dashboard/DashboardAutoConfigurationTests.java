package io.inferlens.autoconfigure.dashboard;

import io.inferlens.autoconfigure.actuate.InferlensEndpointAutoConfiguration;
import java.time.Duration;

import io.inferlens.spring.dashboard.DashboardPage;
import io.inferlens.spring.dashboard.ReactiveDashboardPage;
import io.inferlens.spring.web.reactive.ReactivePathObservationPredicate;
import io.inferlens.spring.web.servlet.PathObservationPredicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointAutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.handler.SimpleUrlHandlerMapping;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DashboardAutoConfiguration}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class DashboardAutoConfigurationTests {

    private final WebApplicationContextRunner contextRunner = new WebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                InferlensEndpointAutoConfiguration.class, DashboardAutoConfiguration.class));

    private final ReactiveWebApplicationContextRunner reactiveContextRunner = new ReactiveWebApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class, WebEndpointAutoConfiguration.class,
                InferlensEndpointAutoConfiguration.class, DashboardAutoConfiguration.class));

    @Test
    void isOffByDefault() {
        this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=inferlens")
            .run((context) -> assertThat(context).doesNotHaveBean(DashboardPage.class)
                .doesNotHaveBean(SimpleUrlHandlerMapping.class));
    }

    @Test
    void servesThePageAtItsPathReadingTheExposedEndpoint() {
        this.contextRunner
            .withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.dashboard.path=/ops/llm",
                    "management.endpoints.web.exposure.include=inferlens", "management.endpoints.web.base-path=/manage")
            .run((context) -> {
                DashboardPage page = context.getBean(DashboardPage.class);
                assertThat(page.getPath()).isEqualTo("/ops/llm");
                assertThat(
                        context.getBean("inferlensDashboardHandlerMapping", SimpleUrlHandlerMapping.class).getUrlMap())
                    .containsOnlyKeys("/ops/llm", "/ops/llm/", "/ops/llm/dashboard.js", "/ops/llm/dashboard.css");
                assertThat(html(page, "/ops/llm")).contains("content=\"/manage/inferlens\"");
                PathObservationPredicate predicate = context.getBean(PathObservationPredicate.class);
                assertThat(predicate.test("http.server.requests", serverContext("/manage/inferlens/traces"))).isFalse();
                assertThat(predicate.test("http.server.requests", serverContext("/ops/llm/dashboard.js"))).isFalse();
                assertThat(predicate.test("http.server.requests", serverContext("/manage/prometheus"))).isTrue();
            });
    }

    @Test
    void warnsWhenTheEndpointIsNotExposed(CapturedOutput output) {
        this.contextRunner.withPropertyValues("inferlens.dashboard.enabled=true").run((context) -> {
            assertThat(context).hasSingleBean(DashboardPage.class);
            assertThat(output).contains("add inferlens to management.endpoints.web.exposure.include");
        });
    }

    @Test
    void apiPathIsConfigurable() {
        this.contextRunner
            .withPropertyValues("inferlens.dashboard.enabled=true",
                    "inferlens.dashboard.api-path=https://ops.example.com/actuator/inferlens")
            .run((context) -> assertThat(html(context.getBean(DashboardPage.class), "/inferlens"))
                .contains("content=\"https://ops.example.com/actuator/inferlens\""));
    }

    @Test
    void observationPredicateFollowsTheBasePathAsActuatorNormalizesIt() {
        this.contextRunner
            .withPropertyValues("inferlens.dashboard.enabled=true", "management.endpoints.web.base-path=/manage/",
                    "inferlens.dashboard.api-path= ")
            .run((context) -> {
                PathObservationPredicate predicate = context.getBean(PathObservationPredicate.class);
                assertThat(predicate.test("http.server.requests", serverContext("/manage/inferlens"))).isFalse();
                assertThat(html(context.getBean(DashboardPage.class), "/inferlens"))
                    .contains("content=\"/actuator/inferlens\"");
            });
    }

    @Test
    void apiPathThatIsNeitherAPathNorAnHttpUrlFailsStartupNamingTheKey() {
        this.contextRunner
            .withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.dashboard.api-path=actuator/x")
            .run((context) -> assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("inferlens.dashboard.api-path"));
    }

    @Test
    void invalidPathFailsStartupNamingTheKey() {
        for (String path : new String[] { "inferlens", "/", "/inferlens/**" }) {
            this.contextRunner
                .withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.dashboard.path=" + path)
                .run((context) -> assertThat(context.getStartupFailure()).rootCause()
                    .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                    .hasMessageContaining("inferlens.dashboard.path"));
        }
    }

    @Test
    void tooFastRefreshFailsStartupNamingTheKey() {
        this.contextRunner.withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.dashboard.refresh=10ms")
            .run((context) -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("inferlens.dashboard.refresh"));
    }

    @Test
    void isOffOutsideWebApplications() {
        new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(DashboardAutoConfiguration.class))
            .withPropertyValues("inferlens.dashboard.enabled=true")
            .run((context) -> assertThat(context).doesNotHaveBean(DashboardPage.class)
                .doesNotHaveBean(ReactiveDashboardPage.class));
    }

    @Test
    void servesThePageWithWebFluxInAReactiveApplication() {
        this.reactiveContextRunner
            .withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.dashboard.path=/ops/llm",
                    "management.endpoints.web.exposure.include=inferlens", "management.endpoints.web.base-path=/manage")
            .run((context) -> {
                assertThat(context).doesNotHaveBean(DashboardPage.class)
                    .doesNotHaveBean(PathObservationPredicate.class)
                    .doesNotHaveBean(SimpleUrlHandlerMapping.class);
                ReactiveDashboardPage page = context.getBean(ReactiveDashboardPage.class);
                assertThat(context
                    .getBean("inferlensDashboardHandlerMapping",
                            org.springframework.web.reactive.handler.SimpleUrlHandlerMapping.class)
                    .getUrlMap())
                    .containsOnlyKeys("/ops/llm", "/ops/llm/", "/ops/llm/dashboard.js", "/ops/llm/dashboard.css");
                MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/ops/llm"));
                page.handle(exchange).block();
                assertThat(exchange.getResponse().getBodyAsString().block()).contains("content=\"/manage/inferlens\"");
                ReactivePathObservationPredicate predicate = context.getBean(ReactivePathObservationPredicate.class);
                assertThat(predicate.test("http.server.requests", reactiveServerContext("/manage/inferlens/traces")))
                    .isFalse();
                assertThat(predicate.test("http.server.requests", reactiveServerContext("/manage/prometheus")))
                    .isTrue();
            });
    }

    @Test
    void reactivePageBacksOffToTheUsers() {
        ReactiveDashboardPage user = new ReactiveDashboardPage("/mine", "/actuator/inferlens", Duration.ofSeconds(5));
        this.reactiveContextRunner.withPropertyValues("inferlens.dashboard.enabled=true")
            .withBean(ReactiveDashboardPage.class, () -> user)
            .run((context) -> assertThat(context).getBean(ReactiveDashboardPage.class).isSameAs(user));
        this.reactiveContextRunner.run((context) -> assertThat(context).doesNotHaveBean(ReactiveDashboardPage.class));
    }

    @Test
    void isOffWhenInferlensIsDisabled() {
        this.contextRunner.withPropertyValues("inferlens.dashboard.enabled=true", "inferlens.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(DashboardPage.class));
    }

    private static String html(DashboardPage page, String uri) throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        page.handleRequest(new MockHttpServletRequest("GET", uri), response);
        return response.getContentAsString();
    }

    private static org.springframework.http.server.reactive.observation.ServerRequestObservationContext reactiveServerContext(
            String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        return new org.springframework.http.server.reactive.observation.ServerRequestObservationContext(
                exchange.getRequest(), exchange.getResponse(), exchange.getAttributes());
    }

    private static org.springframework.http.server.observation.ServerRequestObservationContext serverContext(
            String uri) {
        return new org.springframework.http.server.observation.ServerRequestObservationContext(
                new MockHttpServletRequest("GET", uri), new MockHttpServletResponse());
    }

}
