package io.inferlens.autoconfigure.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpServer;
import io.inferlens.annotation.InferenceModel;
import io.inferlens.annotation.TracedInference;
import io.inferlens.errors.CapturedError;
import io.inferlens.errors.ErrorReporter;
import io.inferlens.stats.OperationStatistics;
import io.inferlens.stats.RequestStatistics;
import io.inferlens.testsupport.SpanCollection;
import io.inferlens.web.RequestLogKeys;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Inferlens in a Spring WebFlux application on Reactor Netty with Boot's
 * auto-configurations, its observation, OpenTelemetry tracing and WebClient included,
 * called over real HTTP: the request log line (streams, cancelled streams, errors), the
 * capture of errors and its classification, the dashboard and the {@code inferlens}
 * endpoint, the statistics of requests, and strict W3C propagation in and out.
 *
 * @author Inferlens
 */
class WebFluxIntegrationTests {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

    private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01";

    private static final AttributeKey<String> REQUEST_ID_ATTRIBUTE = AttributeKey.stringKey("http.request.id");

    private static final BlockingQueue<Map<String, List<String>>> outgoing = new LinkedBlockingQueue<>();

    private static final Lines lines = new Lines();

    private static HttpServer downstream;

    private static ConfigurableApplicationContext context;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        downstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        downstream.createContext("/", (exchange) -> {
            outgoing.add(Map.copyOf(exchange.getRequestHeaders()));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        downstream.start();
        context = new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
            .properties("server.port=0", "server.address=127.0.0.1", "spring.main.banner-mode=off",
                    "management.tracing.sampling.probability=1.0",
                    "management.endpoints.web.exposure.include=health,inferlens", "inferlens.dashboard.enabled=true",
                    "inferlens.request-logging.include-headers=X-Tenant",
                    "test.downstream=http://127.0.0.1:" + downstream.getAddress().getPort() + "/out")
            .run();
        // After startup: Boot's logging system configures Logback as the application
        // starts.
        lines.start();
        requestLogger().addAppender(lines);
    }

    @AfterAll
    static void stop() {
        requestLogger().detachAppender(lines);
        if (context != null) {
            context.close();
        }
        if (downstream != null) {
            downstream.stop(0);
        }
    }

    @BeforeEach
    void reset() {
        lines.events.clear();
        spans().reset();
        context.getBean(Errors.class).captured.clear();
        outgoing.clear();
    }

    @Test
    void requestIsLoggedOnceWithItsServerSpanAndEchoedRequestId() throws Exception {
        HttpResponse<String> response = send(request("/hello/ada").header("traceparent", TRACEPARENT)
            .header("X-Request-Id", "req-hello")
            .header("X-Tenant", "acme"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Request-Id")).hasValue("req-hello");
        ILoggingEvent line = awaitLine("req-hello");
        SpanData server = awaitServerSpan("req-hello");
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        assertThat(fields(line)).containsEntry("http.request.method", "GET")
            .containsEntry("url.path", "/hello/ada")
            .containsEntry("http.route", "/hello/{name}")
            .containsEntry("http.response.status_code", 200)
            .containsEntry("trace.id", TRACE_ID)
            .containsEntry("span.id", server.getSpanId())
            .containsEntry("http.request.header.x-tenant", "acme");
        assertThat(line.getFormattedMessage()).matches("GET /hello/ada 200 \\d+\\.\\d ms route=/hello/\\{name} "
                + "request_id=req-hello trace_id=" + TRACE_ID + " span_id=" + server.getSpanId() + " x-tenant=acme");
        assertSingleLine("req-hello");
    }

    @Test
    void streamedResponseIsLoggedOnceAfterItsLastEvent() throws Exception {
        HttpResponse<String> response = send(
                request("/stream").header("Accept", "text/event-stream").header("X-Request-Id", "req-stream"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines().filter((l) -> l.startsWith("data:"))).hasSize(5);
        ILoggingEvent line = awaitLine("req-stream");
        assertThat(fields(line)).containsEntry("http.response.status_code", 200)
            .containsEntry("http.route", "/stream")
            .doesNotContainKey(RequestLogKeys.CANCELLED);
        // Five events 40 ms apart: written after the last one.
        assertThat((long) fields(line).get("event.duration")).isGreaterThanOrEqualTo(Duration.ofMillis(160).toNanos());
        assertSingleLine("req-stream");
    }

    @Test
    void clientThatLeavesMidStreamLeavesOneCancelledLineAndNoOpenObservation() throws Exception {
        Api api = context.getBean(Api.class);
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /endless HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "X-Request-Id: req-gone\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            readUntil(socket.getInputStream(), "data:");
        }
        ILoggingEvent line = awaitLine("req-gone");
        Map<String, Object> fields = fields(line);
        assertThat(fields).containsEntry(RequestLogKeys.CANCELLED, true)
            .containsEntry("http.response.status_code", 200)
            .containsEntry("http.route", "/endless")
            .doesNotContainKey("exception.type");
        assertThat(line.getFormattedMessage()).contains(" cancelled route=/endless request_id=req-gone");
        OpenServerObservations observations = context.getBean(OpenServerObservations.class);
        await().atMost(Duration.ofSeconds(10)).until(observations.open::isEmpty);
        assertThat(awaitServerSpan("req-gone").getTraceId()).isEqualTo(fields.get("trace.id"));
        int emitted = api.endlessEvents.get();
        Thread.sleep(300);
        assertThat(api.endlessEvents.get()).as("events after the client left").isLessThanOrEqualTo(emitted + 1);
        assertSingleLine("req-gone");
        assertThat(errors()).isEmpty();
    }

    @Test
    void tracedModelStreamIsAChildOfTheRequestWithItsChunkTimesUsageAndCost() throws Exception {
        HttpResponse<String> response = send(
                request("/chat").header("Accept", "text/event-stream").header("X-Request-Id", "req-chat"));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body().lines().filter((l) -> l.startsWith("data:"))).hasSize(4);
        SpanData server = awaitServerSpan("req-chat");
        SpanData chat = awaitSpan("chat sim-small");
        // WebFlux subscribes on an event-loop thread where no observation is current:
        // the parent comes from the Reactor context
        assertThat(chat.getParentSpanId()).isEqualTo(server.getSpanId());
        assertThat(chat.getKind()).isEqualTo(SpanKind.CLIENT);
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(12);
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(3);
        assertThat(chat.getAttributes().get(AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk")))
            .isPositive();
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        Timer timePerChunk = meters.get("gen_ai.client.operation.time_per_output_chunk").timer();
        assertThat(timePerChunk.count()).isEqualTo(3);
        assertThat(timePerChunk.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(3 * 25);
    }

    @Test
    void tracedModelStreamThatTheClientLeavesEndsCancelled() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /chat-endless HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                    + "X-Request-Id: req-chat-gone\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            readUntil(socket.getInputStream(), "data:");
        }
        SpanData chat = awaitSpan("chat sim-large");
        assertThat(chat.getAttributes().get(AttributeKey.booleanKey("inferlens.cancelled"))).isTrue();
        assertThat(chat.getParentSpanId()).isEqualTo(awaitServerSpan("req-chat-gone").getSpanId());
    }

    @Test
    void exceptionIsCapturedOnceAsAServerErrorWithRouteStatusRequestIdAndTrace() throws Exception {
        HttpResponse<String> response = send(
                request("/fail").header("traceparent", TRACEPARENT).header("X-Request-Id", "req-fail"));
        assertThat(response.statusCode()).isEqualTo(500);
        ILoggingEvent line = awaitLine("req-fail");
        assertThat(fields(line)).containsEntry("http.response.status_code", 500)
            .containsEntry("exception.type", IllegalStateException.class.getName())
            .containsEntry("exception.message", "model unavailable, api_key=****");
        SpanData server = awaitServerSpan("req-fail");
        assertThat(errors()).singleElement().satisfies((error) -> {
            assertThat(error.operation()).isEqualTo("http.server.requests");
            assertThat(error.type()).isEqualTo(IllegalStateException.class.getName());
            assertThat(error.attributes()).containsEntry("http.route", "/fail")
                .containsEntry("http.response.status_code", "500")
                .containsEntry("http.request.id", "req-fail");
            assertThat(error.traceId()).isEqualTo(TRACE_ID);
            assertThat(error.spanId()).isEqualTo(server.getSpanId());
        });
    }

    @Test
    void errorAnswersKeepTheirStatusWhateverTheAcceptHeaderAndOnlyServerErrorsAreCaptured() throws Exception {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String path : List.of("/models/gpt-x", "/limited-stream", "/overloaded", "/nothing-here")) {
            for (String accept : List.of("text/event-stream", "application/json", "*/*")) {
                HttpResponse<String> response = send(
                        request(path).header("Accept", accept).header("X-Request-Id", "req-accept-" + statuses.size()));
                statuses.put(path + " " + accept, response.statusCode());
            }
        }
        assertThat(statuses)
            .allSatisfy((request, status) -> assertThat(status).as(request).isEqualTo(expectedStatus(request)));
        for (int i = 0; i < statuses.size(); i++) {
            ILoggingEvent line = awaitLine("req-accept-" + i);
            assertThat(fields(line).get("http.response.status_code")).isEqualTo(statuses.values().toArray()[i]);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> errors().size() >= 3);
        Thread.sleep(200);
        assertThat(errors()).hasSize(3).allSatisfy((error) -> {
            assertThat(error.type()).isEqualTo(ResponseStatusException.class.getName());
            assertThat(error.attributes()).containsEntry("http.route", "/overloaded")
                .containsEntry("http.response.status_code", "503");
        });
    }

    @Test
    void malformedHeadersNeverCauseAServerError() throws Exception {
        List<String[]> requests = List.of(new String[] { "GET /hello/x", "Accept: text/event-stream;;;q=zz" },
                new String[] { "GET /stream", "Accept: //" },
                new String[] { "POST /echo", "Content-Type: not-a-type;;charset=" },
                new String[] { "GET /hello/x", "traceparent: 00-zz-zz-zz" },
                new String[] { "GET /hello/x", "tracestate: ,,,=,==" },
                new String[] { "GET /hello/x", "X-Request-Id: bad id!\r\nX-Request-Id: other" },
                new String[] { "GET /hello/x", "Accept-Language: ;;;,,q=" });
        for (String[] request : requests) {
            String response = rawExchange(request[0] + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + request[1] + "\r\nContent-Length: 2\r\n\r\n{}");
            int status = Integer.parseInt(response.substring(9, 12));
            assertThat(status).as(String.join(" ", request)).isLessThan(500);
        }
        Thread.sleep(200);
        assertThat(errors()).isEmpty();
    }

    @Test
    void dashboardAndEndpointAreServedAndNeitherIsTraced() throws Exception {
        HttpResponse<String> page = send(request("/inferlens"));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("content=\"/actuator/inferlens\"").contains("src=\"/inferlens/dashboard.js\"");
        assertThat(page.headers().firstValue("Content-Security-Policy"))
            .hasValueSatisfying((policy) -> assertThat(policy).contains("script-src 'self'"));
        HttpResponse<String> script = send(request("/inferlens/dashboard.js"));
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("Content-Type"))
            .hasValueSatisfying((type) -> assertThat(type).startsWith("text/javascript"));
        assertThat(send(request("/inferlens/dashboard.css")).statusCode()).isEqualTo(200);
        assertThat(send(request("/inferlens/other")).statusCode()).isEqualTo(404);
        send(request("/hello/stats"));
        HttpResponse<String> endpoint = send(request("/actuator/inferlens").header("Accept", "application/json"));
        assertThat(endpoint.statusCode()).isEqualTo(200);
        assertThat(endpoint.body()).contains("\"operations\"").contains("http GET /hello/{name}");
        assertThat(send(request("/actuator/inferlens/traces")).statusCode()).isEqualTo(200);
        send(request("/hello/after").header("X-Request-Id", "req-after"));
        // The application's own requests are traced, with their path; the page's and the
        // endpoint's are not, though they ended first.
        assertThat(awaitServerSpan("req-after").getAttributes().asMap().values())
            .anySatisfy((value) -> assertThat(value).hasToString("/hello/after"));
        assertThat(serverSpans()).noneSatisfy((span) -> assertThat(span.getAttributes().asMap().values())
            .anySatisfy((value) -> assertThat(value.toString()).contains("/inferlens")));
    }

    @Test
    void statisticsCountRequestsByRouteAndOnlyServerFailuresAsErrors() throws Exception {
        send(request("/hello/stats"));
        send(request("/fail"));
        send(request("/models/unknown"));
        RequestStatistics statistics = context.getBean(RequestStatistics.class);
        await().atMost(Duration.ofSeconds(10))
            .until(() -> operation(statistics, "http GET /fail") != null
                    && operation(statistics, "http GET /models/{id}") != null
                    && operation(statistics, "http GET /hello/{name}") != null);
        OperationStatistics failing = operation(statistics, "http GET /fail");
        assertThat(failing.errors()).isEqualTo(failing.count()).isPositive();
        OperationStatistics notFound = operation(statistics, "http GET /models/{id}");
        assertThat(notFound.count()).isPositive();
        assertThat(notFound.errors()).isZero();
        assertThat(operation(statistics, "http GET /hello/{name}").errors()).isZero();
    }

    @Test
    void validW3CContextIsContinuedOnTheServerAndCarriedDownstreamByWebClient() throws Exception {
        HttpResponse<String> response = send(request("/out").header("traceparent", TRACEPARENT)
            .header("tracestate", "foo=1,bar=2")
            .header("tracestate", "baz=3")
            .header("X-Request-Id", "req-w3c"));
        assertThat(response.statusCode()).isEqualTo(200);
        SpanData server = awaitServerSpan("req-w3c");
        assertThat(server.getTraceId()).isEqualTo(TRACE_ID);
        assertThat(server.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
        Map<String, List<String>> headers = outgoing.poll(10, TimeUnit.SECONDS);
        assertThat(headers).isNotNull();
        assertThat(header(headers, "traceparent")).singleElement()
            .satisfies((traceparent) -> assertThat(traceparent).startsWith("00-" + TRACE_ID + "-")
                .doesNotContain(PARENT_SPAN_ID)
                .endsWith("-01"));
        assertThat(header(headers, "tracestate")).containsExactly("foo=1,bar=2,baz=3");
    }

    @Test
    void invalidTraceparentRestartsTheTraceOnTheServerAndDownstream() throws Exception {
        for (String traceparent : List.of("00-" + "0".repeat(32) + "-" + PARENT_SPAN_ID + "-01",
                "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01.", "ff-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01")) {
            spans().reset();
            outgoing.clear();
            String requestId = "req-invalid-" + traceparent.length() + traceparent.charAt(0);
            HttpResponse<String> response = send(request("/out").header("traceparent", traceparent)
                .header("tracestate", "foo=1")
                .header("X-Request-Id", requestId));
            assertThat(response.statusCode()).as(traceparent).isEqualTo(200);
            SpanData server = awaitServerSpan(requestId);
            assertThat(server.getTraceId()).as(traceparent).isNotEqualTo(TRACE_ID).isNotEqualTo("0".repeat(32));
            assertThat(server.getParentSpanContext().isValid()).as(traceparent).isFalse();
            Map<String, List<String>> headers = outgoing.poll(10, TimeUnit.SECONDS);
            assertThat(headers).isNotNull();
            assertThat(header(headers, "traceparent")).singleElement()
                .satisfies((sent) -> assertThat(sent).startsWith("00-" + server.getTraceId() + "-"));
            assertThat(header(headers, "tracestate")).as(traceparent).isEmpty();
        }
    }

    @Test
    void twoTraceparentHeadersStartANewTrace() throws Exception {
        HttpResponse<String> response = send(request("/out").header("traceparent", TRACEPARENT)
            .header("traceparent", "00-" + TRACE_ID.replace('4', '5') + "-" + PARENT_SPAN_ID + "-01")
            .header("X-Request-Id", "req-two-traceparents"));
        assertThat(response.statusCode()).isEqualTo(200);
        SpanData server = awaitServerSpan("req-two-traceparents");
        assertThat(server.getTraceId()).isNotEqualTo(TRACE_ID).isNotEqualTo(TRACE_ID.replace('4', '5'));
    }

    /**
     * The status each request is answered with: its error's, or 406 for JSON asked of a
     * stream that produces only events.
     */
    private static int expectedStatus(String request) {
        if (request.startsWith("/limited-stream")) {
            return request.endsWith("application/json") ? 406 : 429;
        }
        return request.startsWith("/overloaded") ? 503 : 404;
    }

    private static Logger requestLogger() {
        return (Logger) LoggerFactory.getLogger(RequestLogKeys.LOGGER_NAME);
    }

    private static InMemorySpanExporter spans() {
        return context.getBean(InMemorySpanExporter.class);
    }

    private static List<SpanData> serverSpans() {
        return spans().getFinishedSpanItems().stream().filter((span) -> span.getKind() == SpanKind.SERVER).toList();
    }

    /**
     * The server span of a request, by its request id: spans of earlier requests may end
     * after a test has started.
     */
    private static SpanData awaitSpan(String name) {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> spans().getFinishedSpanItems()
                .stream()
                .filter((span) -> span.getName().equals(name))
                .findFirst()
                .orElse(null), (span) -> span != null);
    }

    private static SpanData awaitServerSpan(String requestId) {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> serverSpans().stream()
                .filter((span) -> requestId.equals(span.getAttributes().get(REQUEST_ID_ATTRIBUTE)))
                .findFirst()
                .orElse(null), (span) -> span != null);
    }

    private static List<CapturedError> errors() {
        return List.copyOf(context.getBean(Errors.class).captured);
    }

    private static OperationStatistics operation(RequestStatistics statistics, String name) {
        return statistics.operations()
            .stream()
            .filter((operation) -> operation.name().equals(name))
            .findFirst()
            .orElse(null);
    }

    private static List<String> header(Map<String, List<String>> headers, String name) {
        return headers.entrySet()
            .stream()
            .filter((entry) -> entry.getKey().equalsIgnoreCase(name))
            .flatMap((entry) -> entry.getValue().stream())
            .toList();
    }

    private static int port() {
        return ((WebServerApplicationContext) context).getWebServer().getPort();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).timeout(Duration.ofSeconds(10));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String rawExchange(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            socket.getInputStream().transferTo(bytes);
            return bytes.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private static void readUntil(InputStream in, String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] buffer = new byte[512];
        while (!bytes.toString(StandardCharsets.ISO_8859_1).contains(text)) {
            int read = in.read(buffer);
            assertThat(read).as("response ended before " + text).isPositive();
            bytes.write(buffer, 0, read);
        }
    }

    private static ILoggingEvent awaitLine(String requestId) {
        return await().atMost(Duration.ofSeconds(10))
            .until(() -> linesOf(requestId).stream().findFirst().orElse(null), (line) -> line != null);
    }

    private static void assertSingleLine(String requestId) throws InterruptedException {
        Thread.sleep(200);
        assertThat(linesOf(requestId)).hasSize(1);
    }

    private static List<ILoggingEvent> linesOf(String requestId) {
        Predicate<ILoggingEvent> matching = (event) -> requestId.equals(fields(event).get("http.request.id"));
        return lines.events.stream().filter(matching).toList();
    }

    private static Map<String, Object> fields(ILoggingEvent line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        if (line.getKeyValuePairs() != null) {
            for (KeyValuePair pair : line.getKeyValuePairs()) {
                fields.put(pair.key, pair.value);
            }
        }
        return fields;
    }

    /**
     * Request log lines, appended from the server's threads.
     */
    static final class Lines extends AppenderBase<ILoggingEvent> {

        final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            this.events.add(event);
        }

    }

    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import({ Api.class, Model.class, SpanCollection.class })
    static class App {

        @Bean
        Errors testErrors() {
            return new Errors();
        }

        @Bean
        OpenServerObservations openServerObservations() {
            return new OpenServerObservations();
        }

        @Bean
        WebClient downstreamClient(WebClient.Builder builder, Environment environment) {
            return builder.baseUrl(environment.getRequiredProperty("test.downstream")).build();
        }

    }

    /**
     * The errors Inferlens captured.
     */
    static final class Errors implements ErrorReporter {

        final List<CapturedError> captured = new CopyOnWriteArrayList<>();

        @Override
        public void report(CapturedError error) {
            this.captured.add(error);
        }

    }

    /**
     * The HTTP server observations started and not yet stopped.
     */
    static final class OpenServerObservations implements ObservationHandler<ServerRequestObservationContext> {

        final Set<Observation.Context> open = ConcurrentHashMap.newKeySet();

        @Override
        public void onStart(ServerRequestObservationContext context) {
            this.open.add(context);
        }

        @Override
        public void onStop(ServerRequestObservationContext context) {
            this.open.remove(context);
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof ServerRequestObservationContext;
        }

    }

    /**
     * A streaming model client: OpenAI-shaped chunks 30 ms apart, the usage in the last.
     */
    static class Model {

        @TracedInference(operation = "chat", provider = "openai")
        public Flux<Map<String, Object>> stream(@InferenceModel String model, boolean endless) {
            Flux<Map<String, Object>> chunks = Flux.interval(Duration.ofMillis(30))
                .map((i) -> Map.<String, Object>of("model", model, "choices",
                        List.of(Map.of("index", 0, "delta", Map.of("content", "word " + i)))));
            return endless ? chunks
                    : chunks.take(3)
                        .concatWith(Mono
                            .just(Map.of("model", model, "choices", List.of(), "usage",
                                    Map.of("prompt_tokens", 12, "completion_tokens", 3)))
                            .delayElement(Duration.ofMillis(30)));
        }

    }

    @RestController
    static class Api {

        final AtomicInteger endlessEvents = new AtomicInteger();

        private final WebClient downstream;

        private final Model model;

        Api(WebClient downstream, Model model) {
            this.downstream = downstream;
            this.model = model;
        }

        @GetMapping(path = "/chat", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<Map<String, Object>>> chat() {
            return this.model.stream("sim-small", false).map((chunk) -> ServerSentEvent.builder(chunk).build());
        }

        @GetMapping(path = "/chat-endless", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<Map<String, Object>>> chatEndless() {
            return this.model.stream("sim-large", true).map((chunk) -> ServerSentEvent.builder(chunk).build());
        }

        @GetMapping("/hello/{name}")
        Mono<Map<String, String>> hello(@PathVariable String name) {
            return Mono.just(Map.of("greeting", "hello " + name));
        }

        @PostMapping("/echo")
        Mono<Map<String, Object>> echo(@RequestBody Map<String, Object> body) {
            return Mono.just(Map.of("received", body));
        }

        @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<String>> stream() {
            return Flux.range(1, 5)
                .delayElements(Duration.ofMillis(40))
                .map((i) -> ServerSentEvent.builder("token " + i).build());
        }

        @GetMapping(path = "/endless", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<String>> endless() {
            return Flux.interval(Duration.ofMillis(50))
                .doOnNext((i) -> this.endlessEvents.incrementAndGet())
                .map((i) -> ServerSentEvent.builder("token " + i).build());
        }

        @GetMapping(path = "/limited-stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
        Flux<ServerSentEvent<String>> limitedStream() {
            return Flux.error(new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, "slow down"));
        }

        @GetMapping("/models/{id}")
        Mono<String> model(@PathVariable String id) {
            return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no model " + id));
        }

        @GetMapping("/overloaded")
        Mono<String> overloaded() {
            return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "overloaded"));
        }

        @GetMapping("/fail")
        Mono<String> fail() {
            return Mono.error(new IllegalStateException("model unavailable, api_key=abc"));
        }

        @GetMapping("/out")
        Mono<String> out() {
            return this.downstream.get().retrieve().toBodilessEntity().map((entity) -> "called");
        }

    }

}
