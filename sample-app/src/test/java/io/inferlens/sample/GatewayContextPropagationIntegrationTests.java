package io.inferlens.sample;

import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import io.inferlens.routing.RoutingObservationContext;
import io.inferlens.routing.RoutingStage;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;
import org.springframework.web.filter.OncePerRequestFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The trace context across the sample gateway's thread and process hops, end to end over
 * real HTTP: the router scores candidates on its own worker threads (an executor wrapped
 * by Micrometer's {@code ContextExecutorService}), and a baggage field configured with
 * Boot's {@code management.tracing.baggage.*} properties travels with the call the
 * gateway makes to its simulated backend. That the {@code model_inference} spans are
 * children of {@code routing_request} is asserted by
 * {@link GatewayRoutingIntegrationTests}; this adds what a log line written on those
 * worker threads carries.
 * <p>
 * {@code management.tracing.baggage.tag-fields} is set but no span tag is asserted: with
 * Spring Boot 4.1.2 and Micrometer Tracing 1.7.2's OpenTelemetry bridge a tag field is
 * put on a span only when application code reads or sets the baggage through Micrometer's
 * {@code Tracer} while that span is current (micrometer-metrics/tracing#933; Boot
 * registers no {@code BaggageTaggingSpanProcessor}), and the gateway does not.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=5ms", "gateway.cache.size=0",
                "management.tracing.baggage.remote-fields=user.tier", "management.tracing.baggage.tag-fields=user.tier",
                "management.tracing.baggage.correlation.fields=user.tier" })
@AutoConfigureTracing
@Import({ SpanCollectionConfiguration.class, GatewayContextPropagationIntegrationTests.ContextCapture.class })
class GatewayContextPropagationIntegrationTests {

    private static final String BACKEND_SPAN = "http post /simulator/v1/chat/completions";

    private static final String GATEWAY_SPAN = "http post /v1/chat/completions";

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Autowired
    private TraceLogStore logs;

    @Autowired
    private ContextCapture capture;

    private RestClient client;

    @BeforeEach
    void setUp() {
        this.client = RestClient.builder().baseUrl("http://127.0.0.1:" + this.port).build();
        this.spans.reset();
        this.capture.scoring.clear();
        this.capture.backend.clear();
    }

    @Test
    void routerWorkerThreadsLogUnderTheRequestsTraceAndRoutingSpan() {
        chat(null);
        SpanData routing = awaitSpan("routing_request");
        // A span can reach the in-memory exporter twice: it is also a SpanExporter bean,
        // which Boot's batch span processor exports to as well.
        Collection<SpanData> inferences = this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals("model_inference"))
            .collect(Collectors.toMap(SpanData::getSpanId, Function.identity(), (first, again) -> first))
            .values();
        assertThat(inferences).hasSize(2).allSatisfy((inference) -> {
            assertThat(inference.getTraceId()).isEqualTo(routing.getTraceId());
            assertThat(inference.getParentSpanId()).isEqualTo(routing.getSpanId());
        });
        assertThat(this.capture.scoring).hasSize(2).allSatisfy((seen) -> {
            assertThat(seen.thread()).startsWith("router-scoring-");
            assertThat(seen.traceId()).isEqualTo(routing.getTraceId());
            assertThat(seen.spanId()).isEqualTo(routing.getSpanId());
        });
        List<TraceLogEvent> scoringLines = this.logs.forTrace(routing.getTraceId())
            .stream()
            .filter((event) -> event.message().startsWith("Scoring candidate"))
            .toList();
        assertThat(scoringLines).hasSize(2).allSatisfy((event) -> {
            assertThat(event.threadName()).startsWith("router-scoring-");
            assertThat(event.spanId()).isEqualTo(routing.getSpanId());
        });
    }

    @Test
    void baggageFieldTravelsOverHttpToTheBackendAndIntoTheMdcOfEveryHop() {
        chat("user.tier=gold");
        SpanData backend = awaitSpan(BACKEND_SPAN);
        SpanData gateway = span(GATEWAY_SPAN);
        assertThat(backend.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(backend.getParentSpanContext().isRemote()).isTrue();
        assertThat(backend.getTraceId()).isEqualTo(gateway.getTraceId());
        assertThat(this.capture.backend).singleElement().satisfies((seen) -> {
            assertThat(seen.baggageHeader()).contains("user.tier=gold");
            assertThat(seen.traceId()).isEqualTo(backend.getTraceId());
            assertThat(seen.spanId()).isEqualTo(backend.getSpanId());
            assertThat(seen.userTier()).isEqualTo("gold");
        });
        assertThat(this.capture.scoring).hasSize(2).allSatisfy((seen) -> assertThat(seen.userTier()).isEqualTo("gold"));
        // A span tag, from management.tracing.baggage.tag-fields, on every span the
        // gateway
        // starts under the request (Inferlens registers the span processor Boot 4.1.2
        // leaves out); not on the server spans, which start before their baggage is
        // current.
        AttributeKey<String> tier = AttributeKey.stringKey("user.tier");
        List<SpanData> children = this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getTraceId().equals(gateway.getTraceId()) && span.getKind() != SpanKind.SERVER)
            .toList();
        assertThat(children).extracting(SpanData::getName)
            .contains("gateway.route", "routing_request", "model_inference", "http post");
        assertThat(children)
            .allSatisfy((span) -> assertThat(span.getAttributes().get(tier)).as(span.getName()).isEqualTo("gold"));
    }

    @Test
    void withoutTheBaggageHeaderNoFieldIsPropagated() {
        chat(null);
        awaitSpan(BACKEND_SPAN);
        assertThat(this.capture.backend).singleElement().satisfies((seen) -> {
            assertThat(seen.baggageHeader()).isNull();
            assertThat(seen.userTier()).isNull();
        });
        assertThat(this.capture.scoring).hasSize(2).allSatisfy((seen) -> assertThat(seen.userTier()).isNull());
    }

    private void chat(@Nullable String baggage) {
        Map<String, Object> request = Map.of("model", "auto", "messages",
                List.of(Map.of("role", "user", "content", "Hi there " + UUID.randomUUID())));
        RestClient.RequestBodySpec spec = this.client.post()
            .uri("/v1/chat/completions")
            .contentType(MediaType.APPLICATION_JSON);
        if (baggage != null) {
            spec.header("baggage", baggage);
        }
        assertThat(spec.body(request).retrieve().toBodilessEntity().getStatusCode().value()).isEqualTo(200);
    }

    private SpanData awaitSpan(String name) {
        await().atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(this.spans.getFinishedSpanItems()).extracting(SpanData::getName)
                .contains(name, GATEWAY_SPAN));
        return span(name);
    }

    private SpanData span(String name) {
        return this.spans.getFinishedSpanItems()
            .stream()
            .filter((span) -> span.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("No span named " + name));
    }

    /**
     * What the MDC held on a thread: that is what a log line written there carries.
     */
    record Seen(String thread, @Nullable String traceId, @Nullable String spanId, @Nullable String userTier,
            @Nullable String baggageHeader) {

        static Seen here(@Nullable String baggageHeader) {
            return new Seen(Thread.currentThread().getName(), MDC.get("traceId"), MDC.get("spanId"),
                    MDC.get("user.tier"), baggageHeader);
        }

    }

    /**
     * Records the MDC where the router starts scoring a candidate, on its worker thread,
     * logging a line there, and where the simulated backend handles a request, inside
     * Boot's server observation.
     */
    @TestConfiguration(proxyBeanMethods = false)
    static class ContextCapture {

        private static final Logger logger = LoggerFactory.getLogger(ContextCapture.class);

        final List<Seen> scoring = new CopyOnWriteArrayList<>();

        final List<Seen> backend = new CopyOnWriteArrayList<>();

        @Bean
        ObservationHandler<RoutingObservationContext> scoringStartCapture() {
            return new ObservationHandler<>() {

                @Override
                public void onStart(RoutingObservationContext context) {
                    logger.info("Scoring candidate with {}", context.getModelType());
                    ContextCapture.this.scoring.add(Seen.here(null));
                }

                @Override
                public boolean supportsContext(Observation.Context context) {
                    return context instanceof RoutingObservationContext routing
                            && routing.getStage() == RoutingStage.MODEL_INFERENCE;
                }

            };
        }

        @Bean
        OncePerRequestFilter backendRequestCapture() {
            return new OncePerRequestFilter() {

                @Override
                protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
                        FilterChain chain) throws ServletException, IOException {
                    if (request.getRequestURI().startsWith("/simulator/")) {
                        ContextCapture.this.backend.add(Seen.here(request.getHeader("baggage")));
                    }
                    chain.doFilter(request, response);
                }

            };
        }

    }

}
