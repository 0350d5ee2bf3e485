package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.opentelemetry.api.common.AttributeKey;
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
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway with its powerful model failing every call: the model's Resilience4j
 * circuit breaker opens, Inferlens' gauge reports it open and the transition is an event
 * on the model call's span, and the router falls back to the lightweight model.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms",
                "gateway.simulator.model-error-rates.sim-large=1.0", "gateway.circuit-breaker.sliding-window-size=2",
                "gateway.circuit-breaker.wait-in-open-state=10m", "gateway.cache.size=0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(SpanCollectionConfiguration.class)
class GatewayCircuitBreakerIntegrationTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Test
    void failingModelOpensItsCircuitAndTheRouterFallsBack() {
        RestClient client = RestClient.builder()
            .baseUrl("http://127.0.0.1:" + this.port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
        assertThat(chat(client, "sim-large", "Hi").getStatusCode().value()).isEqualTo(502);
        assertThat(gauge(client)).isEqualTo(0.0);
        assertThat(chat(client, "sim-large", "Hi").getStatusCode().value()).isEqualTo(502);
        assertThat(gauge(client)).isEqualTo(2.0);
        ResponseEntity<Map<String, Object>> rejected = chat(client, "sim-large", "Hi");
        assertThat(rejected.getStatusCode().value()).isEqualTo(503);
        assertThat(rejected.getBody().toString()).contains("service_unavailable");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> calls = this.spans.getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals("chat sim-large"))
                .toList();
            assertThat(calls).anySatisfy((span) -> assertThat(span.getEvents()).anySatisfy((event) -> {
                assertThat(event.getName()).isEqualTo("circuit_breaker.state_transition");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("circuit_breaker.name")))
                    .isEqualTo("sim-large");
                assertThat(event.getAttributes().get(AttributeKey.stringKey("circuit_breaker.to_state")))
                    .isEqualTo("open");
            }));
        });
        ResponseEntity<Map<String, Object>> routed = chat(client, "auto",
                "Explain step by step why the sky is blue, and compare it with the colour of sunsets.");
        assertThat(routed.getStatusCode().value()).isEqualTo(200);
        assertThat(routed.getBody()).containsEntry("model", "sim-small");
    }

    private static double gauge(RestClient client) {
        String scrape = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
        Matcher matcher = Pattern.compile(
                "(?m)^inferlens_circuit_breaker_state\\{(?:application=\"[^\"]*\",)?name=\"sim-large\"[^}]*\\} (\\S+)")
            .matcher(scrape);
        assertThat(matcher.find()).as("circuit breaker gauge in %s", scrape).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private static ResponseEntity<Map<String, Object>> chat(RestClient client, String model, String content) {
        return client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", content))))
            .retrieve()
            .toEntity(JSON);
    }

}
