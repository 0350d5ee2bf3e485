package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
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
 * The sample gateway's routing, inference, cost, cache and experiment telemetry, end to
 * end: chat requests over real HTTP to the gateway, which calls its simulated model over
 * real HTTP; spans from the OpenTelemetry SDK, metrics scraped from
 * {@code /actuator/prometheus}.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(SpanCollectionConfiguration.class)
class GatewayRoutingIntegrationTests {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    private RestClient client;

    @BeforeEach
    void setUp() {
        this.client = RestClient.builder()
            .baseUrl("http://127.0.0.1:" + this.port)
            .defaultStatusHandler(HttpStatusCode::isError, (request, response) -> {
            })
            .build();
        this.spans.reset();
    }

    @Test
    void autoRequestIsARoutingSpanTreeWithCandidatesScoredInParallel() {
        ResponseEntity<Map<String, Object>> response = chat("Hi there " + UUID.randomUUID(), null);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .contains("gateway.route", "routing_request", "chat sim-small"));
        List<SpanData> finished = this.spans.getFinishedSpanItems();
        SpanData route = span(finished, "gateway.route");
        SpanData routing = span(finished, "routing_request");
        SpanData chat = span(finished, "chat sim-small");
        assertThat(routing.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(chat.getParentSpanId()).isEqualTo(route.getSpanId());
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(children(finished, routing)).extracting(SpanData::getName)
            .containsExactlyInAnyOrder("feature_engineering", "model_inference", "model_inference", "policy_selection",
                    "uncertainty_estimation", "circuit_breaker_check");
        assertThat(routing.getAttributes().get(AttributeKey.stringKey("inferlens.routing.target")))
            .isEqualTo("lightweight");
        assertThat(route.getAttributes().get(AttributeKey.stringKey("inferlens.experiment.routing-policy")))
            .isIn("threshold", "scored");
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isPositive();
        assertThat(chat.getAttributes().get(AttributeKey.stringArrayKey("gen_ai.response.finish_reasons")))
            .containsExactly("stop");
    }

    @Test
    void routingInferenceCostAndExperimentMetricsArePublishedOnPrometheus() {
        chat("Hi there " + UUID.randomUUID(), null);
        chat("Explain step by step why the sky is blue " + UUID.randomUUID(), null);
        String scrape = scrape();
        assertThat(value(scrape, "inferlens_routing_requests_total\\{[^}]*error_type=\"\"")).isGreaterThanOrEqualTo(2);
        assertThat(value(scrape, "inferlens_routing_decisions_total\\{[^}]*target=\"lightweight\"")).isPositive();
        assertThat(value(scrape, "inferlens_routing_decisions_total\\{[^}]*target=\"powerful\"")).isPositive();
        assertThat(scrape).containsPattern("(?m)^inferlens_routing_latency_seconds_bucket\\{[^}]*le=\"0\\.001\"\\}");
        assertThat(scrape).containsPattern("(?m)^inferlens_routing_confidence_bucket\\{[^}]*target=\"powerful\"");
        assertThat(scrape).containsPattern("(?m)^inferlens_routing_uncertainty_bucket\\{[^}]*target=\"lightweight\"");
        assertThat(value(scrape, "inferlens_routing_candidates_total\\{[^}]*batch_size_range=\"1-10\"")).isPositive();
        assertThat(
                value(scrape, "inferlens_feature_engineering_duration_seconds_count\\{[^}]*batch_size_range=\"1-10\""))
            .isPositive();
        assertThat(
                value(scrape, "inferlens_model_inference_duration_seconds_count\\{[^}]*model_type=\"quality-scorer\""))
            .isGreaterThanOrEqualTo(4);
        // the gateway's own stage, and a built-in one without a meter of its own
        assertThat(value(scrape, "inferlens_routing_stage_duration_seconds_count\\{[^}]*stage=\"policy_selection\""))
            .isGreaterThanOrEqualTo(2);
        assertThat(
                value(scrape, "inferlens_routing_stage_duration_seconds_count\\{[^}]*stage=\"uncertainty_estimation\""))
            .isGreaterThanOrEqualTo(2);
        assertThat(value(scrape, "gen_ai_client_token_usage_count\\{[^}]*gen_ai_request_model=\"sim-large\""
                + "[^}]*gen_ai_token_type=\"output\""))
            .isPositive();
        assertThat(value(scrape,
                "inferlens_inference_cost_usd_total\\{[^}]*gen_ai_provider_name=\"openai\",gen_ai_request_model=\"sim-large\""))
            .isPositive();
        assertThat(value(scrape, "inferlens_experiment_assignments_total\\{[^}]*experiment=\"routing-policy\""))
            .isPositive();
        assertThat(value(scrape, "inferlens_experiment_outcomes_total\\{[^}]*experiment=\"routing-policy\""
                + "[^}]*outcome=\"success\""))
            .isPositive();
        assertThat(value(scrape, "inferlens_circuit_breaker_state\\{[^}]*name=\"sim-small\"")).isZero();
    }

    @Test
    void repeatedPromptIsAnsweredFromTheCacheWithoutCallingAModel() {
        String prompt = "Hello cache " + UUID.randomUUID();
        double hitsBefore = value(scrape(), "inferlens_inference_cache_total\\{[^}]*result=\"hit\"");
        ResponseEntity<Map<String, Object>> first = chat(prompt, null);
        ResponseEntity<Map<String, Object>> second = chat(prompt, null);
        assertThat(second.getBody().get("id")).isEqualTo(first.getBody().get("id"));
        assertThat(value(scrape(), "inferlens_inference_cache_total\\{[^}]*result=\"hit\"")).isEqualTo(hitsBefore + 1);
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .filteredOn("gateway.route"::equals)
                .hasSize(2));
        assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
            .filteredOn("chat sim-small"::equals)
            .hasSize(1);
    }

    private static List<SpanData> children(List<SpanData> spans, SpanData parent) {
        return spans.stream().filter((span) -> span.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    private static SpanData span(List<SpanData> spans, String name) {
        return spans.stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name + " in " + spans));
    }

    private String scrape() {
        return this.client.get().uri("/actuator/prometheus").retrieve().body(String.class);
    }

    /**
     * Sum of the values of the series matching the pattern, from the start of the line.
     */
    private static double value(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + "[^}]*\\} (\\S+)").matcher(scrape);
        double sum = 0;
        boolean found = false;
        while (matcher.find()) {
            sum += Double.parseDouble(matcher.group(1));
            found = true;
        }
        assertThat(found).as("series %s in the scrape", series).isTrue();
        return sum;
    }

    private ResponseEntity<Map<String, Object>> chat(String content, String user) {
        Map<String, Object> request = (user != null)
                ? Map.of("model", "auto", "user", user, "messages", List.of(Map.of("role", "user", "content", content)))
                : Map.of("model", "auto", "messages", List.of(Map.of("role", "user", "content", content)));
        return this.client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(request)
            .retrieve()
            .toEntity(JSON);
    }

}
