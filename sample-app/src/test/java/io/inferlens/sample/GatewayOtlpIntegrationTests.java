package io.inferlens.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.inferlens.sample.OtlpTestReceiver.Export;
import io.inferlens.sample.OtlpTestReceiver.ReceivedSpan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway exporting traces over OTLP, configured with Spring Boot 4.1's own
 * keys ({@code management.opentelemetry.tracing.export.otlp.endpoint},
 * {@code .transport}, {@code .headers.*}, {@code .compression},
 * {@code management.opentelemetry.tracing.export.
 * max-batch-size} and {@code schedule-delay},
 * {@code management.opentelemetry.resource-attributes.*}), over http/protobuf and over
 * gRPC. No OTLP backend can be installed on the machines these tests run on, so the
 * receiver is a test double, {@link OtlpTestReceiver}: it decodes the real wire format
 * that the real OpenTelemetry exporter sends, with the protocol's own generated classes,
 * and the tests assert on what it decoded: resource attributes, the span tree and span
 * attributes of a chat, the configured headers and compression.
 *
 * @author Inferlens
 */
class GatewayOtlpIntegrationTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void httpProtobufExportCarriesResourceSpanTreeAndConfiguredHeader() throws Exception {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.httpProtobuf();
                ConfigurableApplicationContext gateway = startGateway(
                        "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:" + receiver.port()
                                + "/v1/traces",
                        "management.opentelemetry.tracing.export.otlp.headers.x-api-key=otlp-secret")) {
            assertThat(chat(gateway)).isEqualTo(200);
            List<ReceivedSpan> spans = awaitChatTrace(receiver);
            assertThatChatTraceIsOneTreeWithGenAiAttributes(spans);
            assertThat(spans).allSatisfy(this::hasGatewayResource);
            assertThat(receiver.exports()).allSatisfy((export) -> {
                assertThat(export.path()).isEqualTo("/v1/traces");
                assertThat(export.header("content-type")).isEqualTo("application/x-protobuf");
                assertThat(export.header("x-api-key")).isEqualTo("otlp-secret");
                assertThat(export.headers()).doesNotContainKey("content-encoding");
            });
        }
    }

    @Test
    void httpProtobufExportIsGzippedAndBatchedAsConfigured() throws Exception {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.httpProtobuf();
                ConfigurableApplicationContext gateway = startGateway(
                        "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:" + receiver.port()
                                + "/v1/traces",
                        "management.opentelemetry.tracing.export.otlp.compression=gzip",
                        "management.opentelemetry.tracing.export.max-batch-size=2")) {
            assertThat(chat(gateway)).isEqualTo(200);
            List<ReceivedSpan> spans = awaitChatTrace(receiver);
            assertThatChatTraceIsOneTreeWithGenAiAttributes(spans);
            // The chat's spans, at most two per request.
            assertThat(receiver.exports()).hasSizeGreaterThanOrEqualTo(3).allSatisfy((export) -> {
                assertThat(export.header("content-encoding")).isEqualTo("gzip");
                assertThat(export.spanCount()).isBetween(1, 2);
            });
        }
    }

    @Test
    void grpcExportCarriesResourceSpanTreeConfiguredHeaderAndGzipEncoding() throws Exception {
        try (OtlpTestReceiver receiver = OtlpTestReceiver.grpc();
                ConfigurableApplicationContext gateway = startGateway(
                        "management.opentelemetry.tracing.export.otlp.transport=grpc",
                        "management.opentelemetry.tracing.export.otlp.endpoint=http://127.0.0.1:" + receiver.port(),
                        "management.opentelemetry.tracing.export.otlp.headers.x-api-key=grpc-secret",
                        "management.opentelemetry.tracing.export.otlp.compression=gzip")) {
            assertThat(chat(gateway)).isEqualTo(200);
            List<ReceivedSpan> spans = awaitChatTrace(receiver);
            assertThatChatTraceIsOneTreeWithGenAiAttributes(spans);
            assertThat(spans).allSatisfy(this::hasGatewayResource);
            assertThat(receiver.exports()).allSatisfy((export) -> {
                assertThat(export.path()).isEqualTo("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
                assertThat(export.header("content-type")).isEqualTo("application/grpc");
                assertThat(export.header("x-api-key")).isEqualTo("grpc-secret");
                assertThat(export.header("grpc-encoding")).isEqualTo("gzip");
            });
        }
    }

    private List<ReceivedSpan> awaitChatTrace(OtlpTestReceiver receiver) {
        // The gateway's own spans, and the simulated backend's, whose server span ends
        // last.
        return await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> receiver.trace(TRACE_ID),
                    (spans) -> names(spans).containsAll(List.of("http post /v1/chat/completions", "gateway.route",
                            "routing_request", "http post /simulator/v1/chat/completions")));
    }

    private void assertThatChatTraceIsOneTreeWithGenAiAttributes(List<ReceivedSpan> spans) {
        // One tree: the server span continues the caller's span, and every other span's
        // parent is in the trace.
        Set<String> ids = spans.stream().map(ReceivedSpan::spanId).collect(Collectors.toSet());
        ReceivedSpan server = span(spans, "http post /v1/chat/completions");
        assertThat(server.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        assertThat(server.parentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(server.attributes().get("http.url").getStringValue()).isEqualTo("/v1/chat/completions");
        assertThat(spans).filteredOn((span) -> span != server)
            .allSatisfy((span) -> assertThat(ids).contains(span.parentSpanId()));
        ReceivedSpan route = span(spans, "gateway.route");
        assertThat(route.kind()).isEqualTo(SpanKind.SPAN_KIND_INTERNAL);
        assertThat(route.parentSpanId()).isEqualTo(server.spanId());
        ReceivedSpan model = spans.stream()
            .filter((span) -> span.name().startsWith("chat sim-"))
            .findFirst()
            .orElseThrow();
        assertThat(model.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(model.parentSpanId()).isEqualTo(route.spanId());
        Map<String, AnyValue> attributes = model.attributes();
        assertThat(attributes.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
        assertThat(attributes.get("gen_ai.provider.name").getStringValue()).isEqualTo("openai");
        assertThat(attributes.get("gen_ai.request.model").getStringValue()).isEqualTo(model.name().substring(5));
        // Token counts are typed integers on the wire, as the GenAI conventions say.
        assertThat(attributes.get("gen_ai.usage.input_tokens").getValueCase()).isEqualTo(AnyValue.ValueCase.INT_VALUE);
        assertThat(attributes.get("gen_ai.usage.input_tokens").getIntValue()).isPositive();
        assertThat(attributes.get("gen_ai.usage.output_tokens").getIntValue()).isPositive();
        ReceivedSpan backend = span(spans, "http post /simulator/v1/chat/completions");
        assertThat(backend.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
        // No prompt in any span.
        assertThat(spans.toString()).doesNotContain("capital of France");
    }

    private void hasGatewayResource(ReceivedSpan span) {
        Map<String, AnyValue> resource = span.resourceAttributes();
        assertThat(resource.get("service.name").getStringValue()).isEqualTo("inferlens-sample-gateway");
        assertThat(resource.get("deployment.environment.name").getStringValue()).isEqualTo("otlp-test");
        assertThat(resource.get("team").getStringValue()).isEqualTo("inference");
        assertThat(resource.get("telemetry.sdk.name").getStringValue()).isEqualTo("opentelemetry");
        assertThat(resource.get("telemetry.sdk.language").getStringValue()).isEqualTo("java");
        assertThat(resource.get("telemetry.sdk.version").getStringValue()).isEqualTo("1.62.0");
    }

    private ConfigurableApplicationContext startGateway(String... properties) {
        // As command-line arguments: SpringApplicationBuilder.properties() are defaults,
        // which the gateway's application.yml overrides.
        List<String> arguments = new ArrayList<>(List.of("--server.port=0", "--server.address=127.0.0.1",
                "--spring.main.banner-mode=off", "--gateway.simulator.latency=5ms", "--gateway.cache.size=0",
                "--management.tracing.sampling.probability=1.0",
                "--management.opentelemetry.tracing.export.schedule-delay=200ms",
                "--management.opentelemetry.resource-attributes.deployment.environment.name=otlp-test",
                "--management.opentelemetry.resource-attributes.team=inference"));
        for (String property : properties) {
            arguments.add("--" + property);
        }
        return new SpringApplicationBuilder(SampleApplication.class).run(arguments.toArray(String[]::new));
    }

    private int chat(ConfigurableApplicationContext gateway) throws Exception {
        int port = ((WebServerApplicationContext) gateway).getWebServer().getPort();
        String body = """
                {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}""";
        return this.http
            .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .header("traceparent", "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString())
            .statusCode();
    }

    private static List<String> names(List<ReceivedSpan> spans) {
        return spans.stream().map(ReceivedSpan::name).toList();
    }

    private static ReceivedSpan span(List<ReceivedSpan> spans, String name) {
        return spans.stream().filter((span) -> name.equals(span.name())).findFirst().orElseThrow();
    }

}
