package io.inferlens.spring.dashboard;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link DashboardPage}.
 *
 * @author Inferlens
 */
class DashboardPageTests {

    private final DashboardPage page = new DashboardPage("/inferlens/", "/actuator/inferlens", Duration.ofSeconds(3));

    @Test
    void pageNamesTheApiRefreshAndAssetsWithinTheContextPath() throws Exception {
        MockHttpServletResponse response = get("/gateway", "/gateway/inferlens");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentType()).isEqualTo("text/html;charset=UTF-8");
        String html = response.getContentAsString();
        assertThat(html).contains("<meta name=\"inferlens-api\" content=\"/gateway/actuator/inferlens\">")
            .contains("<meta name=\"inferlens-refresh\" content=\"3000\">")
            .contains("src=\"/gateway/inferlens/dashboard.js\"")
            .contains("href=\"/gateway/inferlens/dashboard.css\"")
            .doesNotContain("@@");
        assertThat(get("", "/inferlens/").getContentAsString()).contains("content=\"/actuator/inferlens\"");
    }

    @Test
    void pathsIncludeTheServletPathWhenTheDispatcherIsMappedToAPrefix() throws Exception {
        MockHttpServletResponse response = new MockHttpServletResponse();
        this.page.handleRequest(underPrefix("/inferlens"), response);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("content=\"/ctx/app/actuator/inferlens\"")
            .contains("src=\"/ctx/app/inferlens/dashboard.js\"");
        MockHttpServletResponse scriptResponse = new MockHttpServletResponse();
        this.page.handleRequest(underPrefix("/inferlens/dashboard.js"), scriptResponse);
        assertThat(scriptResponse.getContentType()).isEqualTo("text/javascript;charset=UTF-8");
    }

    /**
     * A request in context path {@code /ctx}, to a dispatcher mapped to {@code /app/*}.
     */
    private static MockHttpServletRequest underPrefix(String pathInfo) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/ctx/app" + pathInfo);
        request.setContextPath("/ctx");
        request.setServletPath("/app");
        request.setPathInfo(pathInfo);
        return request;
    }

    @Test
    void policyAllowsTheOriginOfAnEndpointElsewhere() throws Exception {
        DashboardPage page = new DashboardPage("/inferlens", "http://127.0.0.1:8081/actuator/inferlens",
                Duration.ofSeconds(5));
        MockHttpServletResponse response = new MockHttpServletResponse();
        page.handleRequest(new MockHttpServletRequest("GET", "/inferlens"), response);
        assertThat(response.getHeader("Content-Security-Policy")).contains("connect-src 'self' http://127.0.0.1:8081;");
        assertThat(get("", "/inferlens").getHeader("Content-Security-Policy")).contains("connect-src 'self';");
    }

    @Test
    void apiPathMustBeAPathOrAnHttpUrl() {
        for (String bad : new String[] { "actuator/inferlens", "//evil.example.com/x", "javascript:alert(1)" }) {
            assertThatIllegalArgumentException()
                .isThrownBy(() -> new DashboardPage("/inferlens", bad, Duration.ofSeconds(5)))
                .withMessageContaining("apiPath");
        }
    }

    @Test
    void pageIsSentWithAStrictContentSecurityPolicyAndNotCached() throws Exception {
        MockHttpServletResponse response = get("", "/inferlens");
        assertThat(response.getHeader("Content-Security-Policy")).contains("script-src 'self'")
            .contains("default-src 'none'")
            .doesNotContain("unsafe");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(response.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    }

    @Test
    void apiPathIsEscapedInTheMarkup() throws Exception {
        DashboardPage page = new DashboardPage("/inferlens", "/x\"><script>alert(1)</script>", Duration.ofSeconds(5));
        MockHttpServletResponse response = new MockHttpServletResponse();
        page.handleRequest(new MockHttpServletRequest("GET", "/inferlens"), response);
        assertThat(response.getContentAsString()).doesNotContain("<script>alert")
            .contains("/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    }

    @Test
    void absoluteApiUrlIsUsedAsIs() throws Exception {
        DashboardPage page = new DashboardPage("/inferlens", "https://ops.example.com:8081/actuator/inferlens",
                Duration.ofSeconds(5));
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/app/inferlens");
        request.setContextPath("/app");
        MockHttpServletResponse response = new MockHttpServletResponse();
        page.handleRequest(request, response);
        assertThat(response.getContentAsString())
            .contains("content=\"https://ops.example.com:8081/actuator/inferlens\"");
    }

    @Test
    void scriptAndStyleSheetAreServedWithTheirTypes() throws Exception {
        MockHttpServletResponse script = get("", "/inferlens/dashboard.js");
        assertThat(script.getStatus()).isEqualTo(200);
        assertThat(script.getContentType()).isEqualTo("text/javascript;charset=UTF-8");
        assertThat(script.getContentAsString()).contains("inferlens-api");
        MockHttpServletResponse css = get("", "/inferlens/dashboard.css");
        assertThat(css.getContentType()).isEqualTo("text/css;charset=UTF-8");
        assertThat(css.getContentLength()).isPositive();
    }

    @Test
    void otherPathsAreNotFound() throws Exception {
        assertThat(get("", "/inferlens/index.html").getStatus()).isEqualTo(404);
        assertThat(get("", "/inferlens/../application.yml").getStatus()).isEqualTo(404);
    }

    @Test
    void onlyGetAndHeadAreAllowed() throws Exception {
        MockHttpServletResponse post = new MockHttpServletResponse();
        this.page.handleRequest(new MockHttpServletRequest("POST", "/inferlens"), post);
        assertThat(post.getStatus()).isEqualTo(405);
        assertThat(post.getHeader("Allow")).isEqualTo("GET, HEAD");
        MockHttpServletResponse head = new MockHttpServletResponse();
        this.page.handleRequest(new MockHttpServletRequest("HEAD", "/inferlens"), head);
        assertThat(head.getStatus()).isEqualTo(200);
        assertThat(head.getContentLength()).isPositive();
        assertThat(head.getContentAsByteArray()).isEmpty();
    }

    private MockHttpServletResponse get(String contextPath, String uri) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri);
        request.setContextPath(contextPath);
        MockHttpServletResponse response = new MockHttpServletResponse();
        this.page.handleRequest(request, response);
        return response;
    }

}
