package io.inferlens.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway pointed, with {@code gateway.backend.url} and
 * {@code gateway.backend.api-key}, at an external OpenAI-compatible server. No real one
 * (OpenAI, vLLM, llama-server) can run on the machines these tests run on, so the backend
 * here is a stand-in: a JDK {@link HttpServer} on 127.0.0.1 that answers over real HTTP
 * with canned completions or errors and records the headers it received.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "logging.level.org.springframework.web=debug",
                "gateway.cache.size=0" })
@AutoConfigureTracing
@ExtendWith(OutputCaptureExtension.class)
class GatewayExternalBackendIntegrationTests {

    private static final String API_KEY = "sk-test-0123456789abcdef";

    private static final String COMPLETION = """
            {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hi!"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":7,"completion_tokens":2,"total_tokens":9}}""";

    private static final HttpServer backend = startBackend();

    private static final AtomicReference<Map<String, List<String>>> receivedHeaders = new AtomicReference<>();

    private static final AtomicReference<Integer> status = new AtomicReference<>(200);

    private static final AtomicReference<String> body = new AtomicReference<>(COMPLETION);

    @LocalServerPort
    private int port;

    @DynamicPropertySource
    static void backendProperties(DynamicPropertyRegistry registry) {
        registry.add("gateway.backend.url", () -> "http://127.0.0.1:" + backend.getAddress().getPort() + "/");
        registry.add("gateway.backend.api-key", () -> API_KEY);
    }

    @BeforeEach
    void reset() {
        status.set(200);
        body.set(COMPLETION);
        receivedHeaders.set(null);
    }

    @AfterAll
    static void stopBackend() {
        backend.stop(0);
    }

    @Test
    void apiKeyIsSentAsBearerTokenWithTraceContextAndNeverLogged(CapturedOutput output) {
        ResponseEntity<String> response = chat();
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        assertThat(response.getBody()).contains("\"model\":\"gpt-test\"").contains("\"total_tokens\":9");
        Map<String, List<String>> headers = receivedHeaders.get();
        assertThat(headers.get("Authorization")).containsExactly("Bearer " + API_KEY);
        assertThat(headers.get("Traceparent")).singleElement()
            .asString()
            .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        assertThat(output).doesNotContain(API_KEY);
    }

    @ParameterizedTest
    @CsvSource({ "429, 429, rate_limit_error", "404, 400, invalid_request_error", "400, 400, invalid_request_error",
            "401, 502, upstream_error", "500, 502, upstream_error", "503, 502, upstream_error" })
    void backendErrorsAreMappedWithoutTheBackendBody(int backendStatus, int expectedStatus, String type) {
        status.set(backendStatus);
        body.set("{\"error\":{\"message\":\"secret prompt echoed here\"}}");
        ResponseEntity<String> response = chat();
        assertThat(response.getStatusCode().value()).isEqualTo(expectedStatus);
        assertThat(response.getBody()).contains("\"type\":\"" + type + "\"").doesNotContain("secret prompt");
    }

    @Test
    void answerThatIsNotAChatCompletionIsABadGateway() {
        body.set("<html>not json</html>");
        ResponseEntity<String> response = chat();
        assertThat(response.getStatusCode().value()).isEqualTo(502);
        body.set("{\"id\":\"x\",\"choices\":[]}");
        assertThat(chat().getStatusCode().value()).isEqualTo(502);
    }

    private ResponseEntity<String> chat() {
        return RestClient.builder()
            .baseUrl("http://127.0.0.1:" + this.port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build()
            .post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("model", "gpt-test", "messages", List.of(Map.of("role", "user", "content", "hello"))))
            .retrieve()
            .toEntity(String.class);
    }

    private static HttpServer startBackend() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/chat/completions", GatewayExternalBackendIntegrationTests::answer);
            server.start();
            return server;
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        receivedHeaders.set(Map.copyOf(exchange.getRequestHeaders()));
        byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status.get(), bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

}
