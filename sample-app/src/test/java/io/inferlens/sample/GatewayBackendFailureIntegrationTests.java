package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.inferlens.sample.gateway.BackendException;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway when its backend fails every call: the client gets an OpenAI-shaped
 * 502, and the failure is on the model-call span and timer.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms",
                "gateway.simulator.error-rate=1.0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(SpanCollectionConfiguration.class)
class GatewayBackendFailureIntegrationTests {

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Test
    void backendFailureIsABadGatewayRecordedOnTheModelCall() {
        RestClient client = RestClient.builder()
            .baseUrl("http://127.0.0.1:" + this.port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
        ResponseEntity<String> response = client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("model", "auto", "messages", List.of(Map.of("role", "user", "content", "hi"))))
            .retrieve()
            .toEntity(String.class);
        assertThat(response.getStatusCode().value()).isEqualTo(502);
        assertThat(response.getBody()).contains("\"type\":\"upstream_error\"");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SpanData modelCall = this.spans.getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals("chat sim-small"))
                .findFirst()
                .orElseThrow();
            assertThat(modelCall.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(modelCall.getEvents()).extracting((event) -> event.getName()).contains("exception");
            assertThat(modelCall.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(BackendException.class.getName());
        });
        String scrape = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
        assertThat(scrape).containsPattern("(?m)^gen_ai_client_operation_duration_seconds_count\\{[^}]*error_type=\""
                + BackendException.class.getName().replace(".", "\\.") + "\"[^}]*\\} 1");
        assertThat(scrape).containsPattern(
                "(?m)^inferlens_errors_total\\{error_type=\"BackendException\",operation=\"chat\"[^}]*\\} 1");
    }

}
