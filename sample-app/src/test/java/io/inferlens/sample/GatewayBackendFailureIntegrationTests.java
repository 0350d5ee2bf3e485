package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.inferlens.errors.ErrorGroup;
import io.inferlens.errors.RecentErrors;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.sample.gateway.BackendException;
import io.inferlens.sample.gateway.ModelClient;
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
 * 502; the failure is on the model-call span and timer, captured once in the store of
 * recent errors, and its ERROR line is among the trace's log lines.
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

    @Autowired
    private RecentErrors recentErrors;

    @Autowired
    private TraceLogStore traceLogs;

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
        SpanData modelCall = await().atMost(Duration.ofSeconds(10))
            .until(() -> this.spans.getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals("chat sim-small"))
                .findFirst()
                .orElse(null), (span) -> span != null);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SpanData modelCallSpan = this.spans.getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals("chat sim-small"))
                .findFirst()
                .orElseThrow();
            assertThat(modelCallSpan.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            assertThat(modelCallSpan.getEvents()).extracting((event) -> event.getName()).contains("exception");
            assertThat(modelCallSpan.getAttributes().get(AttributeKey.stringKey("error.type")))
                .isEqualTo(BackendException.class.getName());
        });
        String scrape = client.get().uri("/actuator/prometheus").retrieve().body(String.class);
        assertThat(scrape).containsPattern("(?m)^gen_ai_client_operation_duration_seconds_count\\{[^}]*error_type=\""
                + BackendException.class.getName().replace(".", "\\.") + "\"[^}]*\\} 1");
        assertThat(scrape).containsPattern(
                "(?m)^inferlens_errors_total\\{(?:application=\"[^\"]*\",)?error_type=\"io.inferlens.sample.gateway.BackendException\",operation=\"chat\"[^}]*\\} 1");
        // captured once, by the model call, though it fails the router and the request
        // too
        assertThat(scrape.lines().filter((line) -> line.startsWith("inferlens_errors_total{"))).hasSize(1);
        ErrorGroup group = this.recentErrors.groups().get(0);
        assertThat(this.recentErrors.groups()).hasSize(1);
        assertThat(group.type()).isEqualTo(BackendException.class.getName());
        assertThat(group.frame()).startsWith(ModelClient.class.getName() + ".");
        assertThat(group.lastMessage()).isEqualTo("The model backend answered HTTP 503");
        assertThat(group.recentTraceIds()).containsExactly(modelCall.getTraceId());
        // the trace's log lines, ERROR included, are kept under its id
        assertThat(this.traceLogs.forTrace(modelCall.getTraceId())).anySatisfy((event) -> {
            assertThat(event.level()).isEqualTo(LogLevel.ERROR);
            assertThat(event.message()).startsWith(
                    "Captured " + BackendException.class.getName() + " in chat at " + ModelClient.class.getName());
        });
    }

}
