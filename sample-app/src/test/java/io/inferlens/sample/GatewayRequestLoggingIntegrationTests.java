package io.inferlens.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.inferlens.logs.TraceLogEvent;
import io.inferlens.logs.TraceLogStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.micrometer.metrics.test.autoconfigure.AutoConfigureMetrics;
import org.springframework.boot.micrometer.tracing.test.autoconfigure.AutoConfigureTracing;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample gateway's request log over real HTTP: one line per chat request with its
 * route, status, request id and trace, credentials masked, the request id echoed, and the
 * line kept among the trace's log lines.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms", "gateway.cache.size=0" })
@AutoConfigureTracing
@AutoConfigureMetrics
@ExtendWith(OutputCaptureExtension.class)
class GatewayRequestLoggingIntegrationTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String SECRET = "sk-live-0123456789abcdefghij";

    private final HttpClient http = HttpClient.newHttpClient();

    @LocalServerPort
    private int port;

    @Autowired
    private TraceLogStore traceLogs;

    @Test
    void chatRequestIsLoggedOnceWithItsRouteRequestIdAndTraceAndNoCredential(CapturedOutput output) throws Exception {
        HttpResponse<String> response = chat("gateway-test-42");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("gateway-test-42");
        String line = await().atMost(Duration.ofSeconds(10))
            .until(() -> requestLine(output, "request_id=gateway-test-42"), (found) -> found != null);
        assertThat(line).contains("POST /v1/chat/completions 200 ")
            .contains("route=/v1/chat/completions")
            .contains("trace_id=" + TRACE_ID)
            .contains("authorization=****");
        assertThat(output.getOut()).doesNotContain(SECRET);
        assertThat(this.traceLogs.forTrace(TRACE_ID)).extracting(TraceLogEvent::message)
            .anySatisfy((message) -> assertThat(message).startsWith("POST /v1/chat/completions 200 "));
    }

    @Test
    void unsafeRequestIdIsReplacedAndTheRequestStillServed(CapturedOutput output) throws Exception {
        HttpResponse<String> response = chat("bad id<script>");
        assertThat(response.statusCode()).isEqualTo(200);
        String echoed = response.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(echoed).isNotEqualTo("bad id<script>").matches("[A-Za-z0-9._-]{1,128}");
        await().atMost(Duration.ofSeconds(10))
            .until(() -> requestLine(output, "request_id=" + echoed), (found) -> found != null);
        assertThat(output.getOut()).doesNotContain("<script>");
    }

    @Test
    void actuatorRequestsAreNotLogged(CapturedOutput output) throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).isEmpty();
        assertThat(output.getOut()).doesNotContain("GET /actuator/health");
    }

    private HttpResponse<String> chat(String requestId) throws Exception {
        String body = """
                {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}""";
        HttpRequest request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .header("Authorization", "Bearer " + SECRET)
            .header("X-Request-Id", requestId)
            .header("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
        return this.http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String requestLine(CapturedOutput output, String marker) {
        return output.getOut()
            .lines()
            .filter((line) -> line.contains("io.inferlens.web.RequestLoggingFilter") && line.contains(marker))
            .findFirst()
            .orElse(null);
    }

}
