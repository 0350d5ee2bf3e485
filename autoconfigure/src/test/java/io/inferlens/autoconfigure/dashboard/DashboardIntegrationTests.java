package io.inferlens.autoconfigure.dashboard;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.inferlens.traces.TraceQuery;
import io.inferlens.traces.TraceStore;
import io.inferlens.traces.TraceSummary;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard on a real embedded Tomcat, with the dispatcher servlet at the root and
 * under a servlet path: the page, its script and the endpoint it names are served, and
 * neither the page nor the endpoint's requests are traced, while the application's are.
 *
 * @author Inferlens
 */
class DashboardIntegrationTests {

    private final HttpClient http = HttpClient.newHttpClient();

    private ConfigurableApplicationContext context;

    @AfterEach
    void stop() {
        if (this.context != null) {
            this.context.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "/", "/app" })
    void pageIsServedAndNeitherItNorItsPollingIsTraced(String servletPath) throws Exception {
        this.context = new SpringApplicationBuilder(App.class)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "spring.mvc.servlet.path=" + servletPath, "management.endpoints.web.exposure.include=inferlens",
                    "management.tracing.sampling.probability=1.0", "inferlens.dashboard.enabled=true")
            .run();
        String prefix = servletPath.equals("/") ? "" : servletPath;
        HttpResponse<String> page = get(prefix + "/inferlens");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("content=\"" + prefix + "/actuator/inferlens\"")
            .contains("src=\"" + prefix + "/inferlens/dashboard.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
            .hasValueSatisfying((policy) -> assertThat(policy).contains("script-src 'self'"));
        assertThat(get(prefix + "/inferlens/dashboard.js").statusCode()).isEqualTo(200);
        assertThat(get(prefix + "/inferlens/dashboard.css").statusCode()).isEqualTo(200);
        assertThat(get(prefix + "/actuator/inferlens").statusCode()).isEqualTo(200);
        assertThat(get(prefix + "/actuator/inferlens/traces").statusCode()).isEqualTo(200);
        assertThat(get(prefix + "/hello").body()).isEqualTo("hello");
        TraceStore traces = this.context.getBean(TraceStore.class);
        // The server span ends after the response is sent.
        await().until(() -> traces.recent(TraceQuery.all()).stream().anyMatch((trace) -> isHello(trace)));
        assertThat(traces.recent(TraceQuery.all())).singleElement()
            .satisfies((trace) -> assertThat(trace.httpRoute()).isEqualTo("/hello"));
    }

    /**
     * Neither the page nor the endpoint answers unless the user asked for it: the
     * endpoint must be exposed over HTTP and the page enabled, each on its own.
     */
    @ParameterizedTest(name = "exposure={0}, dashboard={1}")
    @CsvSource({ "health, false, 404, 404", "health, true, 404, 200", "'health,inferlens', false, 200, 404",
            "'health,inferlens', true, 200, 200", "'*', false, 200, 404" })
    void endpointAndPageAnswerOnlyWhenExposedAndEnabled(String exposure, boolean dashboard, int endpointStatus,
            int pageStatus) throws Exception {
        this.context = new SpringApplicationBuilder(App.class)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "management.endpoints.web.exposure.include=" + exposure, "inferlens.dashboard.enabled=" + dashboard)
            .run();
        assertThat(get("/actuator/inferlens").statusCode()).isEqualTo(endpointStatus);
        assertThat(get("/actuator/inferlens/traces").statusCode()).isEqualTo(endpointStatus);
        assertThat(get("/inferlens").statusCode()).isEqualTo(pageStatus);
        assertThat(get("/inferlens/dashboard.js").statusCode()).isEqualTo(pageStatus);
        assertThat(get("/hello").statusCode()).isEqualTo(200);
    }

    private static boolean isHello(TraceSummary trace) {
        return "/hello".equals(trace.httpRoute());
    }

    private HttpResponse<String> get(String path) throws Exception {
        int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        HelloApi helloApi() {
            return new HelloApi();
        }

    }

    @RestController
    public static class HelloApi {

        @GetMapping("/hello")
        public String hello() {
            return "hello";
        }

    }

}
