package io.inferlens.sample;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample gateway with a backend that cannot be reached (a closed port on 127.0.0.1):
 * streamed requests fail before their first chunk with a 502 and a JSON body, and count
 * as failures in the model's circuit breaker, which opens, so that the next stream is
 * refused at once with a 503.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.circuit-breaker.sliding-window-size=2",
                "gateway.circuit-breaker.wait-in-open-state=10m", "gateway.backend.timeout=2s",
                "gateway.cache.size=0" })
class GatewayStreamingBackendDownIntegrationTests {

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newHttpClient();

    private final JsonMapper json = JsonMapper.builder().build();

    @DynamicPropertySource
    static void unreachableBackend(DynamicPropertyRegistry registry) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("gateway.backend.url", () -> "http://127.0.0.1:" + closedPort);
    }

    @Test
    void unreachableBackendFailsStreamsWithA502AndOpensTheModelsCircuit() throws Exception {
        assertThat(stream()).isEqualTo("502 upstream_error");
        assertThat(stream()).isEqualTo("502 upstream_error");
        assertThat(stream()).isEqualTo("503 service_unavailable");
    }

    private String stream() throws Exception {
        String body = "{\"model\":\"sim-large\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";
        HttpResponse<String> response = this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + this.json.readTree(response.body()).get("error").get("type").asString();
    }

}
