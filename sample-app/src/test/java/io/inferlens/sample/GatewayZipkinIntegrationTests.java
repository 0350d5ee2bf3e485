package io.inferlens.sample;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway exporting to a real Zipkin server through Spring Boot's Zipkin
 * properties: the Zipkin server jar ({@code io.zipkin:zipkin-server}, exec) is copied
 * from Maven Central by the build and started here on 127.0.0.1 and a free port with
 * in-memory storage. A chat request gives one trace with the expected span tree and GenAI
 * attributes, and a span that ends just before the application stops still arrives,
 * flushed on shutdown.
 *
 * @author Inferlens
 */
class GatewayZipkinIntegrationTests {

    private static final String TRACE_ID = "6bf92f3577b34da6a3ce929d0e0e4738";

    private static Process zipkin;

    private static int zipkinPort;

    private static Path workDirectory;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void startZipkin() throws Exception {
        String jar = System.getProperty("inferlens.zipkin.jar");
        assertThat(jar).as("inferlens.zipkin.jar, set by the build").isNotNull();
        assertThat(new File(jar)).exists();
        zipkinPort = freePort();
        workDirectory = Files.createTempDirectory("inferlens-zipkin");
        zipkin = new ProcessBuilder(javaExecutable(), "-Xmx256m", "-jar", jar, "--armeria.ports[0].port=" + zipkinPort,
                "--armeria.ports[0].ip=127.0.0.1", "--armeria.ports[0].protocols[0]=http", "--STORAGE_TYPE=mem")
            .redirectErrorStream(true)
            .redirectOutput(workDirectory.resolve("zipkin.log").toFile())
            .start();
        HttpClient client = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            try {
                return client
                    .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zipkinPort + "/health")).build(),
                            HttpResponse.BodyHandlers.ofString())
                    .statusCode() == 200;
            }
            catch (IOException ex) {
                return false;
            }
        });
    }

    @AfterAll
    static void stopZipkin() throws Exception {
        if (zipkin != null) {
            zipkin.destroy();
            if (!zipkin.waitFor(15, TimeUnit.SECONDS)) {
                zipkin.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
        if (workDirectory != null) {
            FileSystemUtils.deleteRecursively(workDirectory);
        }
    }

    @Test
    void chatRequestIsOneTraceInZipkinWithItsSpanTreeAndGenAiAttributes() throws Exception {
        try (ConfigurableApplicationContext gateway = startGateway("management.tracing.sampling.probability=1.0")) {
            assertThat(chat(gateway, "00-" + TRACE_ID + "-00f067aa0ba902b7-01")).isEqualTo(200);
            // The gateway's own spans, and the simulated backend's, whose server span
            // ends last.
            List<Map<String, Object>> spans = await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> trace(TRACE_ID),
                        (found) -> names(found).containsAll(List.of("http post /v1/chat/completions", "gateway.route",
                                "routing_request", "http post /simulator/v1/chat/completions")));
            assertThat(spans).allSatisfy((span) -> {
                assertThat(span.get("traceId")).isEqualTo(TRACE_ID);
                assertThat(JsonPath.<String>read(span, "$.localEndpoint.serviceName"))
                    .isEqualTo("inferlens-sample-gateway");
            });
            // One tree: the server span continues the caller's span, and every other
            // span's
            // parent is in the trace.
            Set<String> ids = spans.stream().map((span) -> (String) span.get("id")).collect(Collectors.toSet());
            Map<String, Object> server = span(spans, "http post /v1/chat/completions");
            assertThat(server).containsEntry("kind", "SERVER").containsEntry("parentId", "00f067aa0ba902b7");
            assertThat(spans).filteredOn((span) -> span != server)
                .allSatisfy((span) -> assertThat(ids).contains((String) span.get("parentId")));
            Map<String, Object> route = span(spans, "gateway.route");
            assertThat(route.get("parentId")).isEqualTo(server.get("id"));
            Map<String, Object> routing = span(spans, "routing_request");
            assertThat(routing.get("parentId")).isEqualTo(route.get("id"));
            Map<String, Object> model = spans.stream()
                .filter((span) -> ((String) span.get("name")).startsWith("chat sim-"))
                .findFirst()
                .orElseThrow();
            assertThat(model).containsEntry("kind", "CLIENT");
            assertThat(model.get("parentId")).isEqualTo(route.get("id"));
            Map<String, String> tags = JsonPath.read(model, "$.tags");
            assertThat(tags).containsEntry("gen_ai.operation.name", "chat")
                .containsEntry("gen_ai.provider.name", "openai")
                .containsKeys("gen_ai.request.model", "gen_ai.response.model", "gen_ai.usage.input_tokens",
                        "gen_ai.usage.output_tokens");
            assertThat(tags.get("gen_ai.request.model")).isEqualTo(((String) model.get("name")).substring(5));
            assertThat(Integer.parseInt(tags.get("gen_ai.usage.output_tokens"))).isPositive();
            Map<String, String> routingTags = JsonPath.read(routing, "$.tags");
            assertThat(routingTags).containsKeys("inferlens.routing.target", "inferlens.routing.confidence");
            // The backend call crossed real HTTP and continued the same trace.
            Map<String, Object> backend = span(spans, "http post /simulator/v1/chat/completions");
            assertThat(backend).containsEntry("kind", "SERVER");
            // No prompt in any span.
            assertThat(spans.toString()).doesNotContain("capital of France");
        }
    }

    @Test
    void spanEndedJustBeforeShutdownIsFlushedToZipkin() throws Exception {
        String traceId = "7bf92f3577b34da6a3ce929d0e0e4739";
        // Batches would wait an hour: only the flush on shutdown can deliver them.
        ConfigurableApplicationContext gateway = startGateway("management.tracing.sampling.probability=1.0",
                "management.opentelemetry.tracing.export.schedule-delay=1h");
        try {
            assertThat(chat(gateway, "00-" + traceId + "-00f067aa0ba902b7-01")).isEqualTo(200);
            // The server span ends after the response; give it a moment, not a batch
            // delay.
            Thread.sleep(500);
            assertThat(trace(traceId)).isEmpty();
        }
        finally {
            gateway.close();
        }
        assertThat(names(await().atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> trace(traceId), (found) -> !found.isEmpty()))).contains("gateway.route");
    }

    private ConfigurableApplicationContext startGateway(String... properties) {
        // As command-line arguments: SpringApplicationBuilder.properties() are defaults,
        // which the gateway's application.yml overrides.
        List<String> arguments = new java.util.ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--gateway.simulator.latency=5ms", "--gateway.cache.size=0",
                "--management.tracing.export.zipkin.enabled=true",
                "--management.tracing.export.zipkin.endpoint=http://127.0.0.1:" + zipkinPort + "/api/v2/spans"));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        return new SpringApplicationBuilder(SampleApplication.class).run(arguments.toArray(String[]::new));
    }

    private int chat(ConfigurableApplicationContext gateway, String traceparent) throws Exception {
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        String body = """
                {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}""";
        return this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("traceparent", traceparent)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString())
            .statusCode();
    }

    private List<Map<String, Object>> trace(String traceId) throws Exception {
        HttpResponse<String> response = this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + zipkinPort + "/api/v2/trace/" + traceId))
                .build(), HttpResponse.BodyHandlers.ofString());
        return (response.statusCode() == 200) ? JsonPath.read(response.body(), "$") : List.of();
    }

    private static List<String> names(List<Map<String, Object>> spans) {
        return spans.stream().map((span) -> (String) span.get("name")).toList();
    }

    private static Map<String, Object> span(List<Map<String, Object>> spans, String name) {
        return spans.stream().filter((span) -> name.equals(span.get("name"))).findFirst().orElseThrow();
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

}
