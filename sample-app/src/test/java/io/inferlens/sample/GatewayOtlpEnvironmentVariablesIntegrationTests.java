package io.inferlens.sample;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.opentelemetry.proto.common.v1.AnyValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferlens.sample.OtlpTestReceiver.ReceivedSpan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway configured through the {@code OTEL_*} environment variables that
 * Spring Boot 4.1 maps to its own properties ({@code OTEL_SERVICE_NAME},
 * {@code OTEL_RESOURCE_ATTRIBUTES}, {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code _PROTOCOL}, {@code _HEADERS}, {@code _COMPRESSION}, {@code OTEL_TRACES_SAMPLER},
 * {@code OTEL_TRACES_SAMPLER_ARG}, {@code OTEL_BSP_SCHEDULE_DELAY}). A JVM cannot change
 * its own environment, so the gateway runs as a child process on the test's classpath. No
 * OTLP backend can be installed on the machines these tests run on, so the receiver is a
 * test double, {@link OtlpTestReceiver}: it decodes the real wire format that the real
 * OpenTelemetry exporter sends, with the protocol's own generated classes, and the tests
 * assert on what it decoded.
 * <p>
 * What Boot does, as these tests show: the variables win over {@code application.yml} and
 * over command-line arguments (Boot adds them as the first property source), except
 * resource attributes, where {@code management.opentelemetry.resource-attributes.*} wins
 * over {@code OTEL_RESOURCE_ATTRIBUTES}; {@code OTEL_SERVICE_NAME} wins over
 * {@code spring.application.name}, which is only the default {@code service.name}; Boot
 * appends {@code /v1/traces} to {@code OTEL_EXPORTER_OTLP_ENDPOINT} for the traces
 * endpoint.
 *
 * @author Inferlens
 */
class GatewayOtlpEnvironmentVariablesIntegrationTests {

    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path logs;

    @Test
    void environmentVariablesSetServiceNameEndpointAndParentBasedRatioSampler() throws Exception {
        String traceId = "5bf92f3577b34da6a3ce929d0e0e4737";
        try (OtlpTestReceiver receiver = OtlpTestReceiver.httpProtobuf()) {
            // Sampling probability 1.0 on the command line, and in application.yml: the
            // ratio from OTEL_TRACES_SAMPLER_ARG wins.
            withGateway(
                    Map.of("OTEL_SERVICE_NAME", "gateway-from-env", "OTEL_EXPORTER_OTLP_ENDPOINT",
                            "http://127.0.0.1:" + receiver.port(), "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                            "OTEL_TRACES_SAMPLER_ARG", "0", "OTEL_BSP_SCHEDULE_DELAY", "200"),
                    List.of("--management.tracing.sampling.probability=1.0"), (port) -> {
                        // A new trace: ratio 0, not sampled.
                        assertThat(chat(port, null)).isEqualTo(200);
                        // A caller's sampled trace: parent-based, so sampled.
                        assertThat(chat(port, "00-" + traceId + "-" + PARENT_SPAN_ID + "-01")).isEqualTo(200);
                        List<ReceivedSpan> spans = awaitChatTrace(receiver, traceId);
                        // Several schedule delays for anything else to arrive.
                        Thread.sleep(1000);
                        assertThat(receiver.spans()).extracting(ReceivedSpan::traceId).containsOnly(traceId);
                        assertThat(spans).allSatisfy(
                                (span) -> assertThat(span.resourceAttributes().get("service.name").getStringValue())
                                    .isEqualTo("gateway-from-env"));
                        assertThat(receiver.exports()).allSatisfy((export) -> {
                            assertThat(export.path()).isEqualTo("/v1/traces");
                            assertThat(export.header("content-type")).isEqualTo("application/x-protobuf");
                        });
                    });
        }
    }

    @Test
    void environmentVariablesSelectGrpcHeadersGzipResourceAndRatioSamplerIgnoringParent() throws Exception {
        String traceId = "6bf92f3577b34da6a3ce929d0e0e4738";
        try (OtlpTestReceiver receiver = OtlpTestReceiver.grpc()) {
            withGateway(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "http://127.0.0.1:" + receiver.port(), "OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=env-secret",
                    "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip", "OTEL_RESOURCE_ATTRIBUTES",
                    "service.name=from-resource-attributes,deployment.environment.name=env-staging,team=from-env",
                    "OTEL_TRACES_SAMPLER", "traceidratio", "OTEL_TRACES_SAMPLER_ARG", "1.0", "OTEL_BSP_SCHEDULE_DELAY",
                    "200"), List.of("--management.opentelemetry.resource-attributes.team=from-properties"), (port) -> {
                        // The caller did not sample this trace; a ratio sampler that is
                        // not
                        // parent-based samples it all the same.
                        assertThat(chat(port, "00-" + traceId + "-" + PARENT_SPAN_ID + "-00")).isEqualTo(200);
                        List<ReceivedSpan> spans = awaitChatTrace(receiver, traceId);
                        assertThat(spans).allSatisfy((span) -> {
                            Map<String, AnyValue> resource = span.resourceAttributes();
                            assertThat(resource.get("service.name").getStringValue())
                                .isEqualTo("from-resource-attributes");
                            assertThat(resource.get("deployment.environment.name").getStringValue())
                                .isEqualTo("env-staging");
                            assertThat(resource.get("team").getStringValue()).isEqualTo("from-properties");
                        });
                        // Boot appends /v1/traces to the endpoint for gRPC too; the gRPC
                        // exporter still calls the service's method.
                        assertThat(receiver.exports()).isNotEmpty().allSatisfy((export) -> {
                            assertThat(export.path())
                                .isEqualTo("/opentelemetry.proto.collector.trace.v1.TraceService/Export");
                            assertThat(export.header("x-api-key")).isEqualTo("env-secret");
                            assertThat(export.header("grpc-encoding")).isEqualTo("gzip");
                        });
                    });
        }
    }

    private List<ReceivedSpan> awaitChatTrace(OtlpTestReceiver receiver, String traceId) {
        return await().atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(() -> receiver.trace(traceId),
                    (spans) -> spans.stream()
                        .map(ReceivedSpan::name)
                        .toList()
                        .containsAll(List.of("http post /v1/chat/completions", "gateway.route",
                                "http post /simulator/v1/chat/completions")));
    }

    private void withGateway(Map<String, String> environment, List<String> extraArguments, GatewayCall call)
            throws Exception {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), "-Xmx384m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SampleApplication.class.getName(), "--server.port=" + port,
                "--server.address=127.0.0.1", "--spring.main.banner-mode=off", "--gateway.simulator.latency=5ms",
                "--gateway.cache.size=0"));
        command.addAll(extraArguments);
        Path log = this.logs.resolve("gateway.log");
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // Only the variables under test.
        builder.environment().keySet().removeIf((name) -> name.startsWith("OTEL_"));
        builder.environment().putAll(environment);
        Process gateway = builder.start();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
                assertThat(gateway.isAlive()).as(() -> "gateway exited:\n" + read(log)).isTrue();
                return health(port) == 200;
            });
            call.run(port);
        }
        catch (AssertionError | RuntimeException ex) {
            System.out.println(read(log));
            throw ex;
        }
        finally {
            gateway.destroy();
            if (!gateway.waitFor(15, TimeUnit.SECONDS)) {
                gateway.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    private int health(int port) throws InterruptedException {
        try {
            return this.http
                .send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        }
        catch (IOException ex) {
            return -1;
        }
    }

    private int chat(int port, String traceparent) throws Exception {
        String body = """
                {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}""";
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        }
        catch (IOException ex) {
            return "(no log: " + ex + ")";
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @FunctionalInterface
    private interface GatewayCall {

        void run(int port) throws Exception;

    }

}
