package io.inferlens.sample;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * The sample gateway on a random port, answering chat requests over real HTTP, its
 * backend the simulated model it serves itself, also over real HTTP.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms", "gateway.cache.size=0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(SpanCollectionConfiguration.class)
class GatewayIntegrationTests {

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
    @SuppressWarnings("unchecked")
    void chatRequestIsAnsweredInOpenAiShapeWithUsage() {
        ResponseEntity<Map<String, Object>> response = chat("auto", "Hi there, how are you?", null);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        Map<String, Object> body = response.getBody();
        assertThat(body).containsEntry("object", "chat.completion").containsKey("id").containsKey("created");
        List<Map<String, Object>> choices = (List<Map<String, Object>>) body.get("choices");
        assertThat(choices).hasSize(1);
        Map<String, Object> message = (Map<String, Object>) choices.get(0).get("message");
        assertThat(message).containsEntry("role", "assistant");
        assertThat((String) message.get("content")).isNotBlank();
        Map<String, Integer> usage = (Map<String, Integer>) body.get("usage");
        assertThat(usage.get("prompt_tokens")).isPositive();
        assertThat(usage.get("completion_tokens")).isPositive();
        assertThat(usage.get("total_tokens")).isEqualTo(usage.get("prompt_tokens") + usage.get("completion_tokens"));
    }

    @Test
    void autoRoutesSimpleRequestsToTheLightweightModelAndComplexOnesToThePowerfulOne() {
        ResponseEntity<Map<String, Object>> simple = chat("auto", "Hi there!", null);
        assertThat(simple.getBody()).containsEntry("model", "sim-small");
        assertThat(simple.getHeaders().getFirst("X-Gateway-Route")).isEqualTo("lightweight");
        ResponseEntity<Map<String, Object>> complex = chat("auto",
                "Explain step by step why the sky is blue, and compare it with the colour of sunsets.", null);
        assertThat(complex.getBody()).containsEntry("model", "sim-large");
        assertThat(complex.getHeaders().getFirst("X-Gateway-Route")).isEqualTo("powerful");
        ResponseEntity<Map<String, Object>> explicit = chat("sim-large", "Hi", null);
        assertThat(explicit.getBody()).containsEntry("model", "sim-large");
        assertThat(explicit.getHeaders().getFirst("X-Gateway-Route")).isEqualTo("explicit");
    }

    @Test
    @SuppressWarnings("unchecked")
    void maxTokensLimitsTheCompletion() {
        ResponseEntity<Map<String, Object>> response = chat("auto", "Explain everything about everything", 5);
        Map<String, Integer> usage = (Map<String, Integer>) response.getBody().get("usage");
        assertThat(usage.get("completion_tokens")).isEqualTo(5);
        List<Map<String, Object>> choices = (List<Map<String, Object>>) response.getBody().get("choices");
        assertThat(choices.get(0)).containsEntry("finish_reason", "length");
    }

    @Test
    void tracedOperationsHaveTimersOnPrometheus() {
        String modelCalls = "gen_ai_client_operation_duration_seconds_count\\{[^}]*gen_ai_request_model=\"sim-small\"";
        long routesBefore = count(scrape(), "gateway_route_seconds_count\\{[^}]*error_type=\"\"");
        long callsBefore = count(scrape(), modelCalls);
        chat("auto", "Hi there!", null);
        chat("auto", "Hello again!", null);
        String scrape = scrape();
        assertThat(count(scrape, "gateway_route_seconds_count\\{[^}]*error_type=\"\"")).isEqualTo(routesBefore + 2);
        assertThat(count(scrape, modelCalls)).isEqualTo(callsBefore + 2);
        assertThat(scrape).containsPattern("(?m)^gateway_route_seconds_sum\\{[^}]*component=\"router\"[^}]*\\} ");
        assertThat(scrape).containsPattern("(?m)^gateway_route_seconds_max\\{");
        assertThat(scrape).containsPattern("(?m)^gen_ai_client_operation_duration_seconds_bucket\\{[^}]*le=\"0\\.01\"");
    }

    private String scrape() {
        return this.client.get().uri("/actuator/prometheus").retrieve().body(String.class);
    }

    private static long count(String scrape, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + series + "[^}]*\\} (\\d+)").matcher(scrape);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }

    @Test
    void oneTraceLinksServerRouterModelCallHttpClientAndBackendSpans() {
        // The model call is a GenAI span named "{operation} {model}".
        chat("auto", "Hi there!", null);
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .contains("http post /v1/chat/completions", "gateway.route", "chat sim-small",
                        "http post /simulator/v1/chat/completions"));
        List<SpanData> finished = this.spans.getFinishedSpanItems();
        SpanData server = span(finished, "http post /v1/chat/completions", SpanKind.SERVER);
        SpanData router = span(finished, "gateway.route", SpanKind.INTERNAL);
        SpanData modelCall = span(finished, "chat sim-small", SpanKind.CLIENT);
        SpanData httpClient = finished.stream()
            .filter((span) -> span.getKind() == SpanKind.CLIENT && span.getName().startsWith("http post"))
            .findFirst()
            .orElseThrow();
        SpanData backend = span(finished, "http post /simulator/v1/chat/completions", SpanKind.SERVER);
        assertThat(List.of(router, modelCall, httpClient, backend)).extracting(SpanData::getTraceId)
            .containsOnly(server.getTraceId());
        assertThat(server.getParentSpanContext().isValid()).isFalse();
        assertThat(router.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(modelCall.getParentSpanId()).isEqualTo(router.getSpanId());
        assertThat(httpClient.getParentSpanId()).isEqualTo(modelCall.getSpanId());
        assertThat(backend.getParentSpanId()).isEqualTo(httpClient.getSpanId());
        assertThat(backend.getParentSpanContext().isRemote()).isTrue();
        assertThat(router.getAttributes().get(AttributeKey.stringKey("code.function.name")))
            .isEqualTo("io.inferlens.sample.gateway.ChatRouter.route");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"model\":\"auto\",\"stream\":[true],\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"auto\",\"messages\":[]}", "{\"model\":", "[1,2,3]", "",
            "{\"model\":\"auto\",\"max_tokens\":\"many\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"auto\",\"max_tokens\":0,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"auto\",\"max_tokens\":99999999999,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":null}]}",
            "{\"model\":\"auto\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}",
            "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
            "{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "{\"model\":\"auto\",\"messages\":[null]}" })
    void invalidRequestsAreRejectedWithAnOpenAiError(String body) {
        ResponseEntity<Map<String, Object>> response = this.client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(body)
            .retrieve()
            .toEntity(JSON);
        assertThat(response.getStatusCode().value()).isEqualTo(400);
        assertThat(response.getBody()).containsKey("error");
        @SuppressWarnings("unchecked")
        Map<String, Object> error = (Map<String, Object>) response.getBody().get("error");
        assertThat(error).containsEntry("type", "invalid_request_error").containsKey("message");
    }

    @Test
    void unknownFieldsOfOpenAiClientsAreIgnored() {
        ResponseEntity<Map<String, Object>> response = this.client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body("{\"model\":\"auto\",\"temperature\":0.2,\"user\":\"u1\",\"stream\":false,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":\"bob\"}]}")
            .retrieve()
            .toEntity(JSON);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
    }

    private static SpanData span(List<SpanData> spans, String name, SpanKind kind) {
        return spans.stream()
            .filter((span) -> span.getName().equals(name) && span.getKind() == kind)
            .findFirst()
            .orElseThrow(() -> new AssertionError("No " + kind + " span named " + name + " in " + spans));
    }

    private ResponseEntity<Map<String, Object>> chat(String model, String content, Integer maxTokens) {
        Map<String, Object> request = (maxTokens != null)
                ? Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", content)), "max_tokens",
                        maxTokens)
                : Map.of("model", model, "messages", List.of(Map.of("role", "user", "content", content)));
        return this.client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON)
            .body(request)
            .retrieve()
            .toEntity(JSON);
    }

}
