package io.inferlens.autoconfigure.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.logging.LoggingSystemProperty;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The request logging filter in an application on embedded Tomcat with Boot's
 * auto-configurations, its observation and OpenTelemetry tracing included, called over
 * real HTTP with a W3C {@code traceparent}, and its lines read from the console in each
 * of Boot's output formats.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class RequestLoggingIntegrationTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

    private static final JsonMapper json = JsonMapper.builder().build();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterEach
    void restoreDefaultLogging() throws Exception {
        // Later tests in this JVM expect Logback's own defaults, not this application's
        // structured console.
        // Boot's logging system copies logging.structured.format.console and the other
        // logging properties to system properties, which it never overwrites.
        for (LoggingSystemProperty property : LoggingSystemProperty.values()) {
            System.clearProperty(property.getEnvironmentVariableName());
        }
        LoggerContext loggerContext = (LoggerContext) LoggerFactory.getILoggerFactory();
        loggerContext.reset();
        new ContextInitializer(loggerContext).autoConfig();
    }

    @Test
    void ecsLinesNestTheFieldsAndCarryTheIncomingTrace(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = start("logging.structured.format.console=ecs")) {
            HttpResponse<String> response = get(context, "/hello/ada", "req-ecs-1");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-ecs-1");
            JsonNode line = awaitJsonLine(output, (node) -> "req-ecs-1".equals(node.at("/http/request/id").asString()));
            assertThat(line.at("/log/logger").asString()).isEqualTo("io.inferlens.web.RequestLoggingFilter");
            assertThat(line.at("/log/level").asString()).isEqualTo("INFO");
            assertThat(line.at("/http/request/method").asString()).isEqualTo("GET");
            assertThat(line.at("/url/path").asString()).isEqualTo("/hello/ada");
            assertThat(line.at("/http/route").asString()).isEqualTo("/hello/{name}");
            assertThat(line.at("/http/response/status_code").isNumber()).isTrue();
            assertThat(line.at("/http/response/status_code").asInt()).isEqualTo(200);
            assertThat(line.at("/event/duration").asLong()).isPositive();
            assertThat(line.at("/duration_ms").isNumber()).isTrue();
            assertThat(line.at("/trace/id").asString()).isEqualTo(TRACE_ID);
            assertThat(line.at("/span/id").asString()).matches("[0-9a-f]{16}").isNotEqualTo(PARENT_SPAN_ID);
            assertThat(line.at("/request_id").asString()).isEqualTo("req-ecs-1");
            assertThat(line.at("/message").asString()).startsWith("GET /hello/ada 200 ")
                .endsWith(" route=/hello/{name} request_id=req-ecs-1 trace_id=" + TRACE_ID + " span_id="
                        + line.at("/span/id").asString());
            assertThat(line.has("error")).isFalse();

            HttpResponse<String> failed = get(context, "/fail", "req-ecs-2");
            assertThat(failed.statusCode()).isEqualTo(500);
            JsonNode failure = awaitJsonLine(output,
                    (node) -> "req-ecs-2".equals(node.at("/http/request/id").asString()));
            assertThat(failure.at("/http/response/status_code").asInt()).isEqualTo(500);
            assertThat(failure.at("/exception/type").asString()).isEqualTo(IllegalStateException.class.getName());
            assertThat(failure.at("/exception/message").asString()).isEqualTo("model unavailable, api_key=****");
            assertThat(failure.at("/http/route").asString()).isEqualTo("/fail");
            assertThat(failure.has("error")).isFalse();
        }
    }

    @Test
    void logstashLinesCarryFlatFieldsAndMaskedBodies(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = start("logging.structured.format.console=logstash",
                "inferlens.request-logging.include-request-body=true",
                "inferlens.request-logging.include-response-body=true",
                "inferlens.request-logging.include-headers=X-Tenant,Authorization")) {
            HttpRequest request = request(context, "/echo", "req-ls-1").header("Content-Type", "application/json")
                .header("X-Tenant", "acme")
                .header("Authorization", "Bearer secret-token")
                .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\":\"hi\",\"api_key\":\"k-123\"}"))
                .build();
            HttpResponse<String> response = this.client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).contains("k-123");
            JsonNode line = awaitJsonLine(output, (node) -> "req-ls-1".equals(node.path("http.request.id").asString()));
            assertThat(line.path("logger_name").asString()).isEqualTo("io.inferlens.web.RequestLoggingFilter");
            assertThat(line.path("http.request.method").asString()).isEqualTo("POST");
            assertThat(line.path("http.route").asString()).isEqualTo("/echo");
            assertThat(line.path("http.response.status_code").asInt()).isEqualTo(200);
            assertThat(line.path("trace.id").asString()).isEqualTo(TRACE_ID);
            assertThat(line.path("http.request.header.x-tenant").asString()).isEqualTo("acme");
            assertThat(line.path("http.request.header.authorization").asString()).isEqualTo("****");
            assertThat(line.path("http.request.body.content").asString())
                .isEqualTo("{\"prompt\":\"hi\",\"api_key\":\"****\"}");
            assertThat(line.path("http.response.body.content").asString()).contains("\"api_key\":\"****\"")
                .doesNotContain("k-123");
            assertThat(line.path("message").asString()).doesNotContain("request_body", "k-123");
            assertThat(output.toString()).doesNotContain("secret-token")
                .contains("request and response bodies, such as prompts and completions, are logged");
        }
    }

    @Test
    void plainLinesAreReadableAndAsyncRequestsAreLoggedOnce(CapturedOutput output) throws Exception {
        try (ConfigurableApplicationContext context = start()) {
            HttpResponse<String> response = get(context, "/hello/grace", "req-plain-1");
            assertThat(response.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(output.toString())
                    .containsPattern("INFO .* GET /hello/grace 200 \\d+\\.\\d ms route=/hello/\\{name} "
                            + "request_id=req-plain-1 trace_id=" + TRACE_ID + " span_id=[0-9a-f]{16}"));

            HttpResponse<String> async = get(context, "/async", "req-plain-2");
            assertThat(async.statusCode()).isEqualTo(200);
            assertThat(async.body()).isEqualTo("later");
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(output.toString()).contains("request_id=req-plain-2"));
            Thread.sleep(200);
            assertThat(output.toString().lines().filter((l) -> l.contains("request_id=req-plain-2"))).singleElement()
                .satisfies((l) -> assertThat(l).contains("GET /async 200 ", "route=/async"));

            HttpResponse<String> health = get(context, "/actuator/health", "req-plain-3");
            assertThat(health.headers().firstValue("X-Request-Id")).isEmpty();
            HttpResponse<String> generated = get(context, "/hello/x", "bad id!");
            String id = generated.headers().firstValue("X-Request-Id").orElseThrow();
            assertThat(id).matches("[0-9a-f-]{36}");
            await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(output.toString()).contains("request_id=" + id));
            assertThat(output.toString()).doesNotContain("req-plain-3", "bad id!");
        }
    }

    private ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(DemoApplication.class).web(WebApplicationType.SERVLET)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "management.tracing.sampling.probability=1.0")
            .properties(properties)
            .run();
    }

    private HttpResponse<String> get(ConfigurableApplicationContext context, String path, String requestId)
            throws IOException, InterruptedException {
        return this.client.send(request(context, path, requestId).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(ConfigurableApplicationContext context, String path, String requestId) {
        String port = context.getEnvironment().getProperty("local.server.port");
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .header("traceparent", TRACEPARENT)
            .header("X-Request-Id", requestId);
    }

    private static JsonNode awaitJsonLine(CapturedOutput output, java.util.function.Predicate<JsonNode> matching) {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> jsonLines(output).stream().filter(matching).findFirst().orElse(null), (node) -> node != null);
    }

    private static List<JsonNode> jsonLines(CapturedOutput output) {
        return output.toString().lines().filter((line) -> line.startsWith("{")).map(json::readTree).toList();
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(DemoController.class)
    static class DemoApplication {

    }

    @RestController
    static class DemoController {

        @GetMapping("/hello/{name}")
        Map<String, String> hello(@PathVariable String name) {
            return Map.of("greeting", "hello " + name);
        }

        @PostMapping("/echo")
        Map<String, Object> echo(@RequestBody Map<String, Object> body) {
            return Map.of("received", body);
        }

        @GetMapping("/fail")
        String fail() {
            throw new IllegalStateException("model unavailable, api_key=abc");
        }

        @GetMapping("/async")
        Callable<String> async() {
            return () -> {
                Thread.sleep(50);
                return "later";
            };
        }

    }

}
