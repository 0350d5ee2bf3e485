package io.inferlens.sample;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
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
import org.springframework.context.annotation.Import;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed, oversized and hostile requests against the sample gateway over real HTTP,
 * some written byte by byte on a socket so that nothing in a client library cleans them
 * up first: broken and duplicated {@code traceparent}, {@code tracestate} and
 * {@code baggage} headers, unsafe and oversized {@code X-Request-Id}, headers past
 * Tomcat's limit, CR/LF and control characters, invalid and huge JSON bodies, and
 * credentials in headers, query strings and bodies. No request may get a 5xx, the gateway
 * must still serve a normal chat afterwards, and no credential or prompt may show up in
 * the log output, the exported spans, the {@code inferlens} endpoint (summary, traces,
 * every trace, every error group) or the Prometheus scrape.
 *
 * @author Inferlens
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
        properties = { "server.address=127.0.0.1", "gateway.simulator.latency=0ms", "gateway.cache.size=0",
                "management.tracing.baggage.remote-fields=user.tier",
                "management.tracing.baggage.correlation.fields=user.tier" })
@AutoConfigureTracing
@AutoConfigureMetrics
@Import(SpanCollectionConfiguration.class)
@ExtendWith(OutputCaptureExtension.class)
class GatewayHostileInputIntegrationTests {

    /** Credentials and prompt text that must never be logged, exported or exposed. */
    private static final List<String> SECRETS = List.of("sk-live-SECRETaaaa1111bbbb2222", "ghp_SECRETcccc3333dddd4444",
            "SECRET-api-key-eeee5555", "SECRET-cookie-ffff6666", "hunter2-SECRET-prompt-gggg7777",
            "SECRET-query-hhhh8888", "SECRET-baggage-iiii9999", "SECRET-body-key-jjjj0000");

    private static final String CHAT = """
            {"model":"auto","messages":[{"role":"user","content":"What is the capital of France?"}]}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @LocalServerPort
    private int port;

    @Autowired
    private InMemorySpanExporter spans;

    @Test
    void hostileRequestsNeverGetA5xxAndNoSecretIsLoggedExportedOrExposed(CapturedOutput output) throws Exception {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> request : hostileRequests().entrySet()) {
            statuses.put(request.getKey(), send(request.getValue()));
        }
        assertThat(statuses).allSatisfy((name, status) -> assertThat(status).as(name).isBetween(200, 499));
        // What the W3C and header cases must not break: the chat itself is answered.
        assertThat(statuses).containsEntry("malformed traceparent", 200)
            .containsEntry("two traceparent headers", 200)
            .containsEntry("huge tracestate", 200)
            .containsEntry("malformed baggage", 200)
            .containsEntry("huge baggage", 200)
            .containsEntry("unsafe X-Request-Id", 200)
            .containsEntry("credentials in headers, query and body", 200)
            .containsEntry("credential in a baggage entry", 200);
        // Tomcat's own limits and parser answer with a 4xx before the application.
        assertThat(statuses.get("header past Tomcat's limit")).isBetween(400, 499);
        assertThat(statuses.get("not HTTP")).isBetween(400, 499);
        // The gateway still works.
        HttpResponse<String> after = post(CHAT, Map.of());
        assertThat(after.statusCode()).isEqualTo(200);

        List<String> exposed = new ArrayList<>();
        exposed.add(output.getAll());
        for (SpanData span : this.spans.getFinishedSpanItems()) {
            exposed.add(span.toString());
        }
        exposed.add(get("/actuator/prometheus"));
        exposed.add(get("/actuator/inferlens"));
        String traces = get("/actuator/inferlens/traces?limit=1000");
        exposed.add(traces);
        List<String> traceIds = JsonPath.read(traces, "$.traces[*].traceId");
        assertThat(traceIds).hasSizeGreaterThan(10);
        for (String traceId : traceIds) {
            exposed.add(get("/actuator/inferlens/traces/" + traceId));
        }
        String errors = get("/actuator/inferlens/errors");
        exposed.add(errors);
        for (String fingerprint : JsonPath.<List<String>>read(errors, "$.groups[*].fingerprint")) {
            exposed.add(get("/actuator/inferlens/errors/" + fingerprint));
        }
        for (String text : exposed) {
            for (String secret : SECRETS) {
                assertThat(text).doesNotContain(secret);
            }
        }
        // Hostile markup is plain text in a log file; in the JSON the dashboard reads it
        // never arrives, since the header carrying it was rejected.
        assertThat(exposed.subList(1, exposed.size())).noneMatch((text) -> text.contains("<script>alert"));
    }

    private Map<String, byte[]> hostileRequests() {
        Map<String, byte[]> requests = new LinkedHashMap<>();
        requests.put("malformed traceparent", chat("traceparent: 00-zzzz-not-a-trace-\u00ff\r\n"));
        requests.put("traceparent of zeros",
                chat("traceparent: 00-00000000000000000000000000000000-0000000000000000-01\r\n"));
        requests.put("two traceparent headers",
                chat("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
                        + "traceparent: 00-5bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"));
        requests.put("future traceparent version",
                chat("traceparent: ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra\r\n"));
        requests.put("huge tracestate",
                chat("traceparent: 00-6bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\ntracestate: "
                        + "k=v,".repeat(1500) + "\r\n"));
        requests.put("malformed tracestate", chat("traceparent: 00-7bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
                + "\r\ntracestate: ===,,@@,a=\u0001,<script>alert(1)</script>=1\r\n"));
        requests.put("malformed baggage", chat("baggage: ;;;=,,user.tier=%zz,=%,\u00ff\u00fe\r\n"));
        requests.put("huge baggage", chat("baggage: " + "user.tier=gold,".repeat(400) + "\r\n"));
        requests.put("credential in a baggage entry", chat("baggage: user.tier=SECRET-baggage-iiii9999\r\n"));
        requests.put("unsafe X-Request-Id", chat("X-Request-Id: <script>alert(1)</script>" + "x".repeat(600) + "\r\n"));
        requests.put("header past Tomcat's limit", chat("X-Padding: " + "p".repeat(64 * 1024) + "\r\n"));
        // Tomcat takes a bare LF as a line end (RFC 9112 allows it): two headers.
        requests.put("bare LF in a header value", chat("X-Request-Id: split\nInjected: yes\r\n"));
        requests.put("credential in a malformed header",
                chat("Authorization: Bearer sk-live-SECRETaaaa1111bbbb2222\u0001\r\n"));
        requests.put("control characters in a header value", chat("User-Agent: \u0000\u001b[31mred\u0000\r\n"));
        requests.put("credentials in headers, query and body",
                raw("POST /v1/chat/completions?api_key=SECRET-query-hhhh8888 HTTP/1.1\r\n"
                        + "Authorization: Bearer sk-live-SECRETaaaa1111bbbb2222\r\n"
                        + "X-Api-Key: SECRET-api-key-eeee5555\r\n" + "Cookie: session=SECRET-cookie-ffff6666\r\n"
                        + "Proxy-Authorization: Basic ghp_SECRETcccc3333dddd4444\r\n",
                        "{\"model\":\"auto\",\"api_key\":\"SECRET-body-key-jjjj0000\",\"messages\":[{\"role\":\"user\","
                                + "\"content\":\"my password is hunter2-SECRET-prompt-gggg7777\"}]}"));
        requests.put("credential in an unparseable body",
                raw("POST /v1/chat/completions HTTP/1.1\r\n", "{\"model\": sk-live-SECRETaaaa1111bbbb2222, "
                        + "\"messages\": [{\"content\": \"hunter2-SECRET-prompt-gggg7777\""));
        requests.put("prompt in an invalid request", raw("POST /v1/chat/completions HTTP/1.1\r\n",
                "{\"model\":\"\",\"messages\":[{\"role\":\"user\",\"content\":\"hunter2-SECRET-prompt-gggg7777\"}]}"));
        requests.put("credential as the model name", raw("POST /v1/chat/completions HTTP/1.1\r\n",
                "{\"model\":\"sk-live-SECRETaaaa1111bbbb2222\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        requests.put("huge body",
                raw("POST /v1/chat/completions HTTP/1.1\r\n",
                        "{\"model\":\"auto\",\"messages\":[{\"role\":\"user\",\"content\":\"" + "word ".repeat(400_000)
                                + "\"}]}"));
        requests.put("deeply nested body",
                raw("POST /v1/chat/completions HTTP/1.1\r\n", "[".repeat(5_000) + "]".repeat(5_000)));
        requests.put("wrong content type",
                request("POST /v1/chat/completions HTTP/1.1\r\nContent-Type: text/plain\r\n", CHAT));
        requests.put("wrong method", request("DELETE /v1/chat/completions HTTP/1.1\r\n", ""));
        requests.put("unknown method", request("BREW /v1/chat/completions HTTP/1.1\r\n", ""));
        requests.put("encoded NUL and traversal in the path",
                request("GET /v1/%00/..%2f..%2fetc/passwd HTTP/1.1\r\n", ""));
        requests.put("very long path", request("GET /" + "a".repeat(6_000) + " HTTP/1.1\r\n", ""));
        requests.put("not HTTP", "\u0016\u0003\u0001garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        return requests;
    }

    private static byte[] chat(String headers) {
        return raw("POST /v1/chat/completions HTTP/1.1\r\n" + headers, CHAT);
    }

    private static byte[] raw(String requestLineAndHeaders, String json) {
        return request(requestLineAndHeaders + "Content-Type: application/json\r\n", json);
    }

    private static byte[] request(String requestLineAndHeaders, String body) {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        String head = requestLineAndHeaders + "Host: 127.0.0.1\r\nConnection: close\r\nContent-Length: "
                + content.length + "\r\n\r\n";
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        request.writeBytes(content);
        return request.toByteArray();
    }

    /**
     * Write the request on a new connection and read the status code of the response.
     * @param request the request's bytes
     * @return the status code
     */
    private int send(byte[] request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            }
            catch (IOException ex) {
                // The server may answer and close before reading a request it rejects.
            }
            InputStream in = socket.getInputStream();
            String response = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            assertThat(response).startsWith("HTTP/1.1 ");
            return Integer.parseInt(response.substring(9, 12));
        }
    }

    private HttpResponse<String> post(String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest
            .newBuilder(URI.create("http://127.0.0.1:" + this.port + "/v1/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = this.http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

}
