package io.inferlens.autoconfigure.actuate;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.inferlens.annotation.ConversationId;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.Traced;
import io.inferlens.annotation.TracedInference;
import io.inferlens.experiments.Experiments;
import io.inferlens.inference.TokenUsage;
import io.inferlens.inference.TokenUsageProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * JSON contract of every operation of the {@code inferlens} endpoint, on a real embedded
 * Tomcat with Boot's actuator, observation, tracing and metrics auto-configurations,
 * after real HTTP traffic through {@code @Traced} and {@code @TracedInference} methods.
 * The field names checked here are the ones the dashboard page reads: a rename fails this
 * test.
 *
 * @author Inferlens
 */
class InferlensEndpointIntegrationTests {

    private static final List<String> TRACE_LINE_KEYS = List.of("traceId", "name", "start", "durationMillis",
            "spanCount", "droppedSpans", "error", "slow", "httpRoute", "models", "inferences");

    /**
     * Keys of a trace line that made model calls: their tokens and cost, from the calls'
     * records (left out, as null, when a trace has no model call).
     */
    private static final List<String> MODEL_CALL_KEYS = List.of("inputTokens", "outputTokens", "cost");

    private final HttpClient http = HttpClient.newHttpClient();

    private ConfigurableApplicationContext context;

    @BeforeEach
    void start() {
        this.context = new SpringApplicationBuilder(App.class)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "management.endpoints.web.exposure.include=inferlens,health",
                    "management.endpoint.health.show-details=always", "management.tracing.sampling.probability=1.0",
                    "inferlens.errors.log-stack-traces=false", "inferlens.pricing.models.small.input=1",
                    "inferlens.pricing.models.small.output=2", "inferlens.experiments.policy.variants.a=0.5",
                    "inferlens.experiments.policy.variants.b=0.5", "inferlens.slow-calls.operations[chat.slow]=1ms")
            .run();
    }

    @AfterEach
    void stop() {
        this.context.close();
    }

    @Test
    void summaryHasTrafficOperationsModelsBreakersExperimentsErrorsAndStoreSize() throws Exception {
        traffic();
        DocumentContext summary = json(get("/actuator/inferlens"), 200);
        assertThat(keys(summary, "$")).containsExactlyInAnyOrder("timestamp", "traffic", "operations", "models",
                "circuitBreakers", "experiments", "errors", "traceStore");
        assertThat(summary.read("$.traffic.source", String.class)).isEqualTo("http");
        List<Map<String, Object>> windows = summary.read("$.traffic.windows");
        assertThat(windows).extracting((window) -> window.get("name")).containsExactly("1m", "5m", "15m");
        assertThat(windows).extracting((window) -> window.get("seconds")).containsExactly(60, 300, 900);
        assertThat(windows.get(0)).containsOnlyKeys("name", "seconds", "requests", "errors", "errorRate", "throughput",
                "meanMillis", "p95Millis");
        // 3 chats and 1 failure through HTTP; the endpoint's own requests are counted
        // once they complete, so at least these.
        assertThat(((Number) windows.get(0).get("requests")).longValue()).isGreaterThanOrEqualTo(4);
        assertThat(((Number) windows.get(0).get("errors")).longValue()).isEqualTo(1);
        Map<String, Object> chat = summary
            .<List<Map<String, Object>>>read("$.operations[?(@.name == 'http GET /chat')]")
            .get(0);
        assertThat(chat).containsOnlyKeys("name", "count", "errors", "totalMillis", "meanMillis", "minMillis",
                "maxMillis", "p50Millis", "p95Millis", "p99Millis", "histogram");
        assertThat(chat.get("count")).isEqualTo(4);
        assertThat(chat.get("errors")).isEqualTo(1);
        List<Map<String, Object>> histogram = summary.read("$.operations[?(@.name == 'http GET /chat')].histogram[*]");
        assertThat(histogram).isNotEmpty()
            .allSatisfy((bucket) -> assertThat(bucket).containsOnlyKeys("upperBoundMillis", "count"));
        assertThat(histogram.stream().mapToInt((bucket) -> (Integer) bucket.get("count")).sum()).isEqualTo(4);
        Map<String, Object> model = summary.read("$.models[0]");
        assertThat(model).containsOnlyKeys("model", "requests", "errors", "inputTokens", "outputTokens", "costUsd",
                "meanMillis", "p95Millis");
        // the two chats that reached the model
        assertThat(model).containsEntry("model", "small")
            .containsEntry("requests", 2)
            .containsEntry("inputTokens", 200)
            .containsEntry("outputTokens", 100);
        // 200 input tokens at $1 and 100 output tokens at $2 per million
        assertThat(((Number) model.get("costUsd")).doubleValue()).isCloseTo(0.0004,
                org.assertj.core.api.Assertions.within(1e-12));
        assertThat(summary.<List<Map<String, Object>>>read("$.circuitBreakers"))
            .containsExactly(Map.of("name", "backend", "state", "closed"));
        assertThat(summary.<List<String>>read("$.experiments[*].name")).containsExactly("policy");
        // Without outcomes, successRate, zScore and pValue are null, and left out.
        assertThat(summary.<List<Map<String, Object>>>read("$.experiments[0].variants")).hasSize(2)
            .allSatisfy((variant) -> assertThat(variant).containsOnlyKeys("name", "weight", "control", "assignments",
                    "outcomes", "successes"));
        assertThat(summary.read("$.errors.total", Integer.class)).isEqualTo(1);
        assertThat(summary.<String>read("$.errors.groups[0].type")).isEqualTo(IllegalStateException.class.getName());
        assertThat(keys(summary, "$.traceStore")).containsExactlyInAnyOrder("traces", "droppedSpans", "evictedTraces");
        assertThat(summary.read("$.traceStore.traces", Integer.class)).isGreaterThanOrEqualTo(4);
    }

    @Test
    void tracesAreListedNewestFirstAndFilteredByErrorsDurationModelConversationAndAttribute() throws Exception {
        traffic();
        DocumentContext all = json(get("/actuator/inferlens/traces?limit=100"), 200);
        assertThat(keys(all, "$")).containsExactlyInAnyOrder("traces", "stored", "droppedSpans", "evictedTraces");
        List<Map<String, Object>> chats = all.read("$.traces[?(@.httpRoute == '/chat')]");
        assertThat(chats).hasSize(4);
        assertThat(chats).allSatisfy((line) -> assertThat(line.keySet()).containsAll(TRACE_LINE_KEYS)
            .isSubsetOf(concat(TRACE_LINE_KEYS, MODEL_CALL_KEYS)));
        // newest first: the failure was sent last, the slow chat before it
        assertThat(chats.get(0)).containsEntry("error", true).containsEntry("name", "http get /chat");
        assertThat(chats.get(1)).containsEntry("error", false).containsEntry("slow", true);
        assertThat(chats).extracting((line) -> line.get("models"))
            .containsExactly(List.of(), List.of(), List.of("small"), List.of("small"));
        // tokens and cost of the model calls, from their records
        assertThat(chats.get(2)).containsEntry("inferences", 1)
            .containsEntry("inputTokens", 100)
            .containsEntry("outputTokens", 50)
            .containsKey("cost");
        assertThat(chats.get(0)).containsEntry("inferences", 0).doesNotContainKeys("inputTokens", "cost");
        assertThat(all.<List<String>>read("$.traces[*].start")).allSatisfy((start) -> assertThat(start).endsWith("Z"));

        List<Map<String, Object>> errors = json(get("/actuator/inferlens/traces?errors=true"), 200).read("$.traces");
        assertThat(errors).hasSize(1).allSatisfy((line) -> assertThat(line).containsEntry("error", true));
        List<Map<String, Object>> slow = json(get("/actuator/inferlens/traces?slowerThan=150ms"), 200).read("$.traces");
        assertThat(slow).hasSize(1).allSatisfy((line) -> assertThat(line).containsEntry("slow", true));
        assertThat(json(get("/actuator/inferlens/traces?model=small"), 200).<List<?>>read("$.traces")).hasSize(2);
        assertThat(json(get("/actuator/inferlens/traces?model=large"), 200).<List<?>>read("$.traces")).isEmpty();
        assertThat(json(get("/actuator/inferlens/traces?conversation=c-2"), 200).<List<?>>read("$.traces")).hasSize(1);
        assertThat(json(get("/actuator/inferlens/traces?attribute="
                + URLEncoder.encode("gen_ai.conversation.id=c-1", StandardCharsets.UTF_8)), 200)
            .<List<?>>read("$.traces")).hasSize(1);
        assertThat(json(get("/actuator/inferlens/traces?limit=2"), 200).<List<?>>read("$.traces")).hasSize(2);
    }

    @Test
    void badTraceQueryParametersAreRejectedWithBadRequest() throws Exception {
        assertThat(get("/actuator/inferlens/traces?slowerThan=soon").statusCode()).isEqualTo(400);
        assertThat(get("/actuator/inferlens/traces?slowerThan=-5ms").statusCode()).isEqualTo(400);
        assertThat(get("/actuator/inferlens/traces?limit=0").statusCode()).isEqualTo(400);
        assertThat(get("/actuator/inferlens/traces?limit=many").statusCode()).isEqualTo(400);
        assertThat(get("/actuator/inferlens/traces?attribute=novalue").statusCode()).isEqualTo(400);
    }

    @Test
    void oneTraceHasItsSpanTreeAndItsLogLines() throws Exception {
        traffic();
        String traceId = json(get("/actuator/inferlens/traces?conversation=c-1"), 200).read("$.traces[0].traceId");
        DocumentContext trace = json(get("/actuator/inferlens/traces/" + traceId), 200);
        assertThat(keys(trace, "$")).containsExactlyInAnyOrder("summary", "spans", "logs");
        assertThat(keys(trace, "$.summary")).containsAll(TRACE_LINE_KEYS)
            .isSubsetOf(concat(TRACE_LINE_KEYS, MODEL_CALL_KEYS));
        Map<String, Object> root = trace.read("$.spans[0]");
        // Actuator leaves null fields out: here parentSpanId and statusDescription.
        assertThat(root).containsOnlyKeys("spanId", "name", "kind", "offsetMillis", "durationMillis", "status",
                "attributes", "events", "children");
        assertThat(root).containsEntry("name", "http get /chat")
            .containsEntry("kind", "SERVER")
            .containsEntry("offsetMillis", 0.0)
            .containsEntry("status", "UNSET");
        assertThat(trace.<String>read("$.spans[0].children[0].name")).isEqualTo("chat.answer");
        Map<String, Object> inference = trace.read("$.spans[0].children[0].children[0]");
        assertThat(inference).containsEntry("parentSpanId", trace.read("$.spans[0].children[0].spanId"));
        assertThat(inference.get("name")).isEqualTo("chat small");
        assertThat((Map<String, Object>) inference.get("attributes")).containsEntry("gen_ai.request.model", "small")
            .containsEntry("gen_ai.conversation.id", "c-1");
        assertThat((Double) inference.get("offsetMillis")).isGreaterThanOrEqualTo(0.0);
        List<Map<String, Object>> logs = trace.read("$.logs");
        assertThat(logs).anySatisfy((line) -> {
            assertThat(line).containsOnlyKeys("timestamp", "offsetMillis", "level", "logger", "thread", "message",
                    "spanId", "keyValues");
            assertThat(line).containsEntry("level", "INFO")
                .containsEntry("logger", Pipeline.class.getName())
                .containsEntry("message", "answering with small, token=****");
        });
        assertThat(get("/actuator/inferlens/traces/0123456789abcdef0123456789abcdef").statusCode()).isEqualTo(404);
    }

    @Test
    void errorsAndOneErrorGroupAreListed() throws Exception {
        traffic();
        DocumentContext errors = json(get("/actuator/inferlens/errors"), 200);
        assertThat(keys(errors, "$")).containsExactlyInAnyOrder("total", "groups");
        Map<String, Object> group = errors.read("$.groups[0]");
        assertThat(group).containsOnlyKeys("fingerprint", "type", "errorType", "frame", "operation", "count",
                "firstSeen", "lastSeen", "lastMessage", "recentTraceIds");
        assertThat(group).containsEntry("errorType", "java.lang.IllegalStateException")
            .containsEntry("count", 1)
            .containsEntry("operation", "chat.answer")
            .containsEntry("lastMessage", "backend refused key ****");
        String failedTrace = json(get("/actuator/inferlens/traces?errors=true"), 200).read("$.traces[0].traceId");
        assertThat(group.get("recentTraceIds")).isEqualTo(List.of(failedTrace));
        DocumentContext one = json(get("/actuator/inferlens/errors/"
                + URLEncoder.encode((String) group.get("fingerprint"), StandardCharsets.UTF_8)), 200);
        assertThat(one.read("$.fingerprint", String.class)).isEqualTo(group.get("fingerprint"));
        assertThat(get("/actuator/inferlens/errors/nothing").statusCode()).isEqualTo(404);
    }

    @Test
    void experimentsAndOneExperimentAreListed() throws Exception {
        Experiments experiments = this.context.getBean(Experiments.class);
        String variant = experiments.assign("policy", "user-1");
        experiments.recordOutcome("policy", variant, true);
        DocumentContext all = json(get("/actuator/inferlens/experiments"), 200);
        assertThat(keys(all, "$")).containsExactly("experiments");
        DocumentContext one = json(get("/actuator/inferlens/experiments/policy"), 200);
        assertThat(keys(one, "$")).containsExactlyInAnyOrder("name", "variants");
        assertThat(one.<List<Map<String, Object>>>read("$.variants[?(@.name == '" + variant + "')]").get(0))
            .containsEntry("assignments", 1)
            .containsEntry("outcomes", 1)
            .containsEntry("successes", 1)
            .containsEntry("successRate", 1.0);
        assertThat(one.read("$.variants[0].control", Boolean.class)).isTrue();
        assertThat(get("/actuator/inferlens/experiments/unknown").statusCode()).isEqualTo(404);
        assertThat(get("/actuator/inferlens/unknown").statusCode()).isEqualTo(404);
    }

    @Test
    void healthIsDegradedWhileACircuitBreakerIsOpen() throws Exception {
        DocumentContext up = json(get("/actuator/health"), 200);
        assertThat(up.read("$.components.inferlens.status", String.class)).isEqualTo("UP");
        this.context.getBean(CircuitBreakerRegistry.class).circuitBreaker("backend").transitionToOpenState();
        DocumentContext degraded = json(get("/actuator/health"), 200);
        assertThat(degraded.read("$.components.inferlens.status", String.class)).isEqualTo("DEGRADED");
        assertThat(degraded.read("$.components.inferlens.details.reason", String.class))
            .isEqualTo("circuit breaker 'backend' is open");
        assertThat(degraded.read("$.components.inferlens.details.circuitBreakers.backend", String.class))
            .isEqualTo("open");
        // DEGRADED is not in Boot's default status order, so the aggregate stays UP
        assertThat(degraded.read("$.status", String.class)).isEqualTo("UP");
        assertThat(json(get("/actuator/inferlens"), 200).<List<Map<String, Object>>>read("$.circuitBreakers"))
            .containsExactly(Map.of("name", "backend", "state", "open"));
    }

    /**
     * Three chats (one slow) and one failure, each a request of its own.
     */
    private void traffic() throws Exception {
        assertThat(get("/chat?conversation=c-1").statusCode()).isEqualTo(200);
        assertThat(get("/chat?conversation=c-2").statusCode()).isEqualTo(200);
        assertThat(get("/chat?conversation=c-3&slow=true").statusCode()).isEqualTo(200);
        assertThat(get("/chat?conversation=c-4&fail=true").statusCode()).isEqualTo(500);
        // The server span ends after the response is sent.
        await().until(() -> json(get("/actuator/inferlens/traces?limit=100"), 200)
            .<List<?>>read("$.traces[?(@.httpRoute == '/chat')]")
            .size() == 4);
    }

    private HttpResponse<String> get(String path) throws Exception {
        int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
        return this.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static DocumentContext json(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
            .hasValueSatisfying((type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
        return JsonPath.parse(response.body());
    }

    private static List<String> keys(DocumentContext json, String path) {
        Map<String, Object> object = json.read(path);
        return List.copyOf(object.keySet());
    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {

        @Bean
        CircuitBreakerRegistry circuitBreakerRegistry() {
            CircuitBreakerRegistry registry = CircuitBreakerRegistry.ofDefaults();
            registry.circuitBreaker("backend");
            return registry;
        }

        @Bean
        ModelClient modelClient() {
            return new ModelClient();
        }

        @Bean
        Pipeline pipeline(ModelClient modelClient) {
            return new Pipeline(modelClient);
        }

        @Bean
        ChatApi chatApi(Pipeline pipeline) {
            return new ChatApi(pipeline);
        }

    }

    @RestController
    public static class ChatApi {

        private final Pipeline pipeline;

        public ChatApi(Pipeline pipeline) {
            this.pipeline = pipeline;
        }

        @GetMapping("/chat")
        public String chat(@RequestParam String conversation, @RequestParam(defaultValue = "false") boolean slow,
                @RequestParam(defaultValue = "false") boolean fail) throws InterruptedException {
            if (slow) {
                return this.pipeline.slow(conversation);
            }
            return this.pipeline.answer("small", conversation, fail);
        }

    }

    public static class Pipeline {

        private static final Logger logger = LoggerFactory.getLogger(Pipeline.class);

        private final ModelClient client;

        public Pipeline(ModelClient client) {
            this.client = client;
        }

        @Traced("chat.answer")
        public String answer(String model, String conversation, boolean fail) {
            if (fail) {
                throw new IllegalStateException("backend refused key sk-abcdefghijklmnopqrstuvwx");
            }
            logger.info("answering with {}, token=sk-abcdefghijklmnopqrstuvwx", model);
            return this.client.chat(model, conversation).text();
        }

        @Traced("chat.slow")
        public String slow(String conversation) throws InterruptedException {
            Thread.sleep(200);
            return "slow " + conversation;
        }

    }

    public static class ModelClient {

        @TracedInference(provider = "test")
        public Answer chat(@InferenceModel String model, @ConversationId String conversation) {
            return new Answer("hello", TokenUsage.of(100, 50));
        }

    }

    public record Answer(String text, TokenUsage usage) implements TokenUsageProvider {

        @Override
        public TokenUsage getTokenUsage() {
            return this.usage;
        }

    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new java.util.ArrayList<>(first);
        all.addAll(second);
        return all;
    }

}
