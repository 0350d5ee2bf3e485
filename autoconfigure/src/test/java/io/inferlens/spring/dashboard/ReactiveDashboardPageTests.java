package io.inferlens.spring.dashboard;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveDashboardPage}: what the WebFlux side adds to the shared
 * {@link DashboardContent}, the base path and the HTTP answers.
 *
 * @author Inferlens
 */
class ReactiveDashboardPageTests {

    private final ReactiveDashboardPage page = new ReactiveDashboardPage("/inferlens/", "/actuator/inferlens",
            Duration.ofSeconds(3));

    @Test
    void pageNamesTheApiAndAssetsUnderTheBasePath() {
        MockServerWebExchange exchange = handle(MockServerHttpRequest.get("/ops/inferlens").contextPath("/ops"));
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(exchange.getResponse().getHeaders().getFirst("Content-Security-Policy"))
            .isEqualTo(DashboardContent.CONTENT_SECURITY_POLICY);
        assertThat(exchange.getResponse().getHeaders().getFirst("Cache-Control")).isEqualTo("no-store");
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("content=\"/ops/actuator/inferlens\"")
            .contains("src=\"/ops/inferlens/dashboard.js\"")
            .contains("3000");
    }

    @Test
    void assetsAreServedWithTheirTypesAndOtherPathsAreNotFound() {
        MockServerWebExchange script = handle(MockServerHttpRequest.get("/inferlens/dashboard.js"));
        assertThat(script.getResponse().getHeaders().getFirst("Content-Type")).startsWith("text/javascript");
        assertThat(script.getResponse().getBodyAsString().block()).isNotEmpty();
        assertThat(handle(MockServerHttpRequest.get("/inferlens/dashboard.css")).getResponse()
            .getHeaders()
            .getFirst("Content-Type")).startsWith("text/css");
        assertThat(handle(MockServerHttpRequest.get("/inferlens/index.html")).getResponse().getStatusCode())
            .isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void onlyGetAndHeadAreAllowed() {
        MockServerWebExchange post = handle(MockServerHttpRequest.post("/inferlens"));
        assertThat(post.getResponse().getStatusCode()).isEqualTo(HttpStatus.METHOD_NOT_ALLOWED);
        assertThat(post.getResponse().getHeaders().getFirst("Allow")).isEqualTo("GET, HEAD");
        MockServerWebExchange head = handle(MockServerHttpRequest.head("/inferlens"));
        assertThat(head.getResponse().getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(head.getResponse().getHeaders().getContentLength()).isPositive();
        assertThat(head.getResponse().getBodyAsString().block()).isEmpty();
    }

    private MockServerWebExchange handle(MockServerHttpRequest.BaseBuilder<?> request) {
        MockServerWebExchange exchange = MockServerWebExchange.from(request);
        this.page.handle(exchange).block(Duration.ofSeconds(5));
        return exchange;
    }

}
