package io.inferlens.spring.web.servlet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.web.BodyText;
import io.inferlens.web.RequestLogKeys;
import io.micrometer.common.KeyValue;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTraceContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.event.KeyValuePair;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.mock.web.MockAsyncContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RequestLoggingFilter} with mock servlet requests, its lines read from
 * a Logback list appender.
 *
 * @author Inferlens
 */
class RequestLoggingFilterTests {

    private static final String ROUTE_ATTRIBUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private final Logger logger = (Logger) LoggerFactory.getLogger(RequestLogKeys.LOGGER_NAME);

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private final MockHttpServletResponse response = new MockHttpServletResponse();

    @BeforeEach
    void captureLines() {
        this.appender.start();
        this.logger.addAppender(this.appender);
        this.logger.setLevel(Level.INFO);
    }

    @AfterEach
    void stopCapturing() {
        this.logger.detachAppender(this.appender);
        this.logger.setLevel(null);
        MDC.clear();
    }

    @Test
    void requestIsLoggedOnceWithItsCoreFields() throws Exception {
        MockHttpServletRequest request = request("GET", "/v1/models/gpt-4o");
        request.addHeader("X-Request-Id", "req-1");
        filter(RequestLoggingOptions.builder().build()).doFilter(request, this.response, (req, res) -> {
            req.setAttribute(ROUTE_ATTRIBUTE, "/v1/models/{id}");
            ((HttpServletResponse) res).setStatus(201);
        });
        ILoggingEvent line = singleLine();
        assertThat(line.getLevel()).isEqualTo(Level.INFO);
        assertThat(line.getLoggerName()).isEqualTo("io.inferlens.web.RequestLoggingFilter");
        assertThat(line.getThrowableProxy()).isNull();
        Map<String, Object> fields = fields(line);
        assertThat(fields).containsEntry("http.request.method", "GET")
            .containsEntry("url.path", "/v1/models/gpt-4o")
            .containsEntry("http.route", "/v1/models/{id}")
            .containsEntry("http.response.status_code", 201)
            .containsEntry("http.request.id", "req-1")
            .containsKeys("event.duration", "duration_ms")
            .doesNotContainKeys("event.slow", "trace.id", "span.id", "url.query", "client.address",
                    "http.request.body.content", "http.response.body.content", "exception.type");
        assertThat((Long) fields.get("event.duration")).isPositive();
        assertThat(line.getFormattedMessage())
            .matches("GET /v1/models/gpt-4o 201 \\d+\\.\\d ms route=/v1/models/\\{id} request_id=req-1");
    }

    @Test
    void requestIdIsEchoedAndInTheMdcBeforeTheChainAndRemovedAfter() throws Exception {
        MockHttpServletRequest request = request("GET", "/");
        request.addHeader("X-Request-Id", "abc.DEF_1-2");
        AtomicReference<String> seen = new AtomicReference<>();
        filter(RequestLoggingOptions.builder().build()).doFilter(request, this.response, (req, res) -> {
            seen.set(((HttpServletResponse) res).getHeader("X-Request-Id") + " " + MDC.get("request_id") + " "
                    + req.getAttribute(RequestLoggingFilter.REQUEST_ID_ATTRIBUTE));
            res.flushBuffer();
        });
        assertThat(seen).hasValue("abc.DEF_1-2 abc.DEF_1-2 abc.DEF_1-2");
        assertThat(this.response.getHeader("X-Request-Id")).isEqualTo("abc.DEF_1-2");
        assertThat(MDC.get("request_id")).isNull();
    }

    @Test
    void unsafeRequestIdsAreReplacedAndTheNewOneEchoed() throws Exception {
        for (String unsafe : new String[] { "", "a".repeat(129), "evil\" injected=1", "a b" }) {
            MockHttpServletRequest request = request("GET", "/");
            request.addHeader("X-Request-Id", unsafe);
            MockHttpServletResponse response = new MockHttpServletResponse();
            filter(RequestLoggingOptions.builder().build()).doFilter(request, response, (req, res) -> {
            });
            String echoed = response.getHeader("X-Request-Id");
            assertThat(echoed).isNotEqualTo(unsafe).hasSize(36);
            assertThat(fields(this.appender.list.get(this.appender.list.size() - 1))).containsEntry("http.request.id",
                    echoed);
        }
        assertThat(this.appender.list).hasSize(4);
    }

    @Test
    void requestIdHeaderNameIsConfigurable() throws Exception {
        MockHttpServletRequest request = request("GET", "/");
        request.addHeader("X-Correlation-Id", "corr-7");
        filter(RequestLoggingOptions.builder().requestIdHeader("X-Correlation-Id").build()).doFilter(request,
                this.response, (req, res) -> {
                });
        assertThat(this.response.getHeader("X-Correlation-Id")).isEqualTo("corr-7");
        assertThat(this.response.getHeader("X-Request-Id")).isNull();
    }

    @Test
    void requestIdIsAddedToTheServerObservationAndTraceIdsAreReadFromItsSpan() throws Exception {
        MockHttpServletRequest request = request("GET", "/traced");
        ServerRequestObservationContext observation = new ServerRequestObservationContext(request, this.response);
        SimpleSpan span = new SimpleSpan();
        SimpleTraceContext traceContext = span.context();
        traceContext.setTraceId("4bf92f3577b34da6a3ce929d0e0e4736");
        traceContext.setSpanId("00f067aa0ba902b7");
        TracingObservationHandler.TracingContext tracing = new TracingObservationHandler.TracingContext();
        tracing.setSpan(span);
        observation.put(TracingObservationHandler.TracingContext.class, tracing);
        request.setAttribute(ServerHttpObservationFilter.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, observation);
        request.addHeader("X-Request-Id", "req-9");
        MDC.put("traceId", "ignored");
        filter(RequestLoggingOptions.builder().build()).doFilter(request, this.response, (req, res) -> {
            observation.setPathPattern("/traced");
        });
        assertThat(observation.getHighCardinalityKeyValue("http.request.id"))
            .isEqualTo(KeyValue.of("http.request.id", "req-9"));
        ILoggingEvent line = singleLine();
        assertThat(fields(line)).containsEntry("trace.id", "4bf92f3577b34da6a3ce929d0e0e4736")
            .containsEntry("span.id", "00f067aa0ba902b7")
            .containsEntry("http.route", "/traced");
        assertThat(line.getFormattedMessage()).endsWith(
                "route=/traced request_id=req-9 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    }

    @Test
    void traceIdsFallBackToTheMdc() throws Exception {
        MDC.put("traceId", "trace-from-mdc");
        MDC.put("spanId", "span-from-mdc");
        filter(RequestLoggingOptions.builder().build()).doFilter(request("GET", "/"), this.response, (req, res) -> {
        });
        assertThat(fields(singleLine())).containsEntry("trace.id", "trace-from-mdc")
            .containsEntry("span.id", "span-from-mdc");
    }

    @Test
    void excludedPathsAreNeitherLoggedNorGivenARequestId() throws Exception {
        RequestLoggingFilter filter = filter(
                RequestLoggingOptions.builder().excludedPaths(List.of("/actuator/**", "/ping")).build());
        MockHttpServletRequest health = request("GET", "/app/actuator/health");
        health.setContextPath("/app");
        filter.doFilter(health, this.response, (req, res) -> {
        });
        filter.doFilter(request("GET", "/ping"), this.response, (req, res) -> {
        });
        assertThat(this.appender.list).isEmpty();
        assertThat(this.response.getHeader("X-Request-Id")).isNull();
        filter.doFilter(request("GET", "/actuatorx"), this.response, (req, res) -> {
        });
        assertThat(this.appender.list).hasSize(1);
    }

    @Test
    void requestsBelowTheMinimumStatusAreNotLogged() throws Exception {
        RequestLoggingFilter filter = filter(RequestLoggingOptions.builder().minStatus(400).build());
        filter.doFilter(request("GET", "/ok"), new MockHttpServletResponse(), (req, res) -> {
        });
        filter.doFilter(request("GET", "/redirect"), new MockHttpServletResponse(),
                (req, res) -> ((HttpServletResponse) res).setStatus(302));
        filter.doFilter(request("GET", "/missing"), new MockHttpServletResponse(),
                (req, res) -> ((HttpServletResponse) res).setStatus(404));
        assertThat(this.appender.list).singleElement()
            .satisfies((line) -> assertThat(fields(line)).containsEntry("url.path", "/missing"));
    }

    @Test
    void slowRequestsAreWarnedAboutWhateverTheirStatus() throws Exception {
        RequestLoggingFilter filter = filter(
                RequestLoggingOptions.builder().minStatus(500).slowThreshold(Duration.ofMillis(20)).build());
        filter.doFilter(request("GET", "/fast"), this.response, (req, res) -> {
        });
        filter.doFilter(request("GET", "/slow"), this.response, (req, res) -> sleep(40));
        ILoggingEvent line = singleLine();
        assertThat(line.getLevel()).isEqualTo(Level.WARN);
        assertThat(fields(line)).containsEntry("event.slow", true).containsEntry("url.path", "/slow");
        assertThat((Double) fields(line).get("duration_ms")).isGreaterThanOrEqualTo(40.0);
        assertThat(line.getFormattedMessage()).matches("GET /slow 200 \\d+\\.\\d ms slow request_id=.*");
    }

    @Test
    void optionalFieldsAreLoggedMaskedWhenEnabled() throws Exception {
        MockHttpServletRequest request = request("GET", "/search");
        request.setQueryString("q=cats&api_key=abc123&max_tokens=5");
        request.setRemoteAddr("203.0.113.7");
        request.addHeader("X-Tenant", "acme");
        request.addHeader("Authorization", "Bearer abc.def");
        request.addHeader("Cookie", "session=1");
        request.addHeader("Accept", "text/plain");
        request.addHeader("Accept", "application/json");
        request.addHeader("X-Line", "a\nfake line");
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeQuery(true)
            .includeClientAddress(true)
            .includedHeaders(List.of("X-Tenant", "authorization", "Cookie", "accept", "X-Absent", "x-line"))
            .build();
        filter(options).doFilter(request, this.response, (req, res) -> {
        });
        ILoggingEvent line = singleLine();
        assertThat(fields(line)).containsEntry("url.query", "q=cats&api_key=****&max_tokens=5")
            .containsEntry("client.address", "203.0.113.7")
            .containsEntry("http.request.header.x-tenant", "acme")
            .containsEntry("http.request.header.authorization", "****")
            .containsEntry("http.request.header.cookie", "****")
            .containsEntry("http.request.header.accept", "text/plain, application/json")
            .doesNotContainKey("http.request.header.x-absent");
        assertThat(line.getFormattedMessage()).startsWith("GET /search?q=cats&api_key=****&max_tokens=5 200 ")
            .contains(" client=203.0.113.7", " x-tenant=acme", " authorization=****", " x-line=a\\nfake line")
            .doesNotContain("abc123", "abc.def", "\n");
    }

    @Test
    void bodiesAreNotCapturedByDefault() throws Exception {
        MockHttpServletRequest request = jsonRequest("{\"prompt\":\"hi\"}");
        AtomicReference<Object> seen = new AtomicReference<>();
        filter(RequestLoggingOptions.builder().build()).doFilter(request, this.response, (req, res) -> {
            seen.set(req);
            req.getInputStream().readAllBytes();
            writeJson(res, "{\"answer\":\"hello\"}");
        });
        assertThat(seen.get()).isSameAs(request);
        assertThat(fields(singleLine())).doesNotContainKeys("http.request.body.content", "http.response.body.content");
        assertThat(this.response.getContentAsString()).isEqualTo("{\"answer\":\"hello\"}");
    }

    @Test
    void jsonBodiesAreLoggedWithSensitiveFieldsMasked() throws Exception {
        MockHttpServletRequest request = jsonRequest("{\"model\":\"m\",\"api_key\":\"k-1\",\"prompt\":\"héllo\"}");
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .includeResponseBody(true)
            .build();
        filter(options).doFilter(request, this.response, (req, res) -> {
            assertThat(req).isInstanceOf(ContentCachingRequestWrapper.class);
            req.getInputStream().readAllBytes();
            writeJson(res, "{\"token\":\"t-1\",\"usage\":{\"total_tokens\":7}}");
            // Written through at once, not held back until the request ends.
            assertThat(this.response.getContentAsString()).startsWith("{\"token\":\"t-1\"");
        });
        ILoggingEvent line = singleLine();
        assertThat(fields(line))
            .containsEntry("http.request.body.content", "{\"model\":\"m\",\"api_key\":\"****\",\"prompt\":\"héllo\"}")
            .containsEntry("http.response.body.content", "{\"token\":\"****\",\"usage\":{\"total_tokens\":7}}");
        assertThat(line.getFormattedMessage()).contains(" request_body={\"model\"",
                " response_body={\"token\":\"****\"");
        assertThat(this.response.getContentAsString()).isEqualTo("{\"token\":\"t-1\",\"usage\":{\"total_tokens\":7}}");
    }

    @Test
    void bodiesWrittenThroughTheWriterAreLoggedAndWrittenThrough() throws Exception {
        RequestLoggingOptions options = RequestLoggingOptions.builder().includeResponseBody(true).build();
        filter(options).doFilter(request("GET", "/text"), this.response, (req, res) -> {
            res.setContentType("text/plain;charset=UTF-8");
            res.getWriter().print("line one\n");
            assertThat(this.response.getContentAsString()).isEqualTo("line one\n");
            res.getWriter().print("password=hunter2");
        });
        assertThat(fields(singleLine())).containsEntry("http.response.body.content", "line one\npassword=****");
        assertThat(singleLine().getFormattedMessage()).contains("response_body=line one\\npassword=****");
        assertThat(this.response.getContentAsString()).isEqualTo("line one\npassword=hunter2");
    }

    @Test
    void detailsStayOutOfTheMessageWhenDisabled() throws Exception {
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeResponseBody(true)
            .includedHeaders(List.of("X-Tenant"))
            .detailsInMessage(false)
            .build();
        MockHttpServletRequest request = request("GET", "/text");
        request.addHeader("X-Tenant", "acme");
        filter(options).doFilter(request, this.response, (req, res) -> writeJson(res, "{\"a\":1}"));
        assertThat(fields(singleLine())).containsEntry("http.response.body.content", "{\"a\":1}")
            .containsEntry("http.request.header.x-tenant", "acme");
        assertThat(singleLine().getFormattedMessage()).doesNotContain("response_body", "x-tenant");
    }

    @Test
    void nonTextBodiesAreNotLogged() throws Exception {
        MockHttpServletRequest request = request("POST", "/upload");
        request.setContentType("application/octet-stream");
        request.setContent(new byte[] { 1, 2, 3 });
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .includeResponseBody(true)
            .build();
        filter(options).doFilter(request, this.response, (req, res) -> {
            req.getInputStream().readAllBytes();
            res.setContentType("image/png");
            res.getOutputStream().write(new byte[] { (byte) 0x89, 'P', 'N', 'G' });
        });
        assertThat(fields(singleLine())).doesNotContainKeys("http.request.body.content", "http.response.body.content");
        assertThat(this.response.getContentAsByteArray()).hasSize(4);
    }

    @Test
    void textAndJsonContentTypesAreLoggable() {
        assertThat(BodyText.isLoggable("application/json")).isTrue();
        assertThat(BodyText.isLoggable("Application/JSON; charset=utf-8")).isTrue();
        assertThat(BodyText.isLoggable("application/problem+json")).isTrue();
        assertThat(BodyText.isLoggable("text/event-stream")).isTrue();
        assertThat(BodyText.isLoggable("text/html;charset=ISO-8859-1")).isTrue();
        assertThat(BodyText.isLoggable("application/x-www-form-urlencoded")).isFalse();
        assertThat(BodyText.isLoggable("application/octet-stream")).isFalse();
        assertThat(BodyText.isLoggable("multipart/form-data; boundary=x")).isFalse();
        assertThat(BodyText.isLoggable(null)).isFalse();
    }

    @Test
    void bodiesAreTruncatedToTheMaximumSize() throws Exception {
        String body = "{\"prompt\":\"" + "x".repeat(100) + "\",\"api_key\":\"k\"}";
        MockHttpServletRequest request = jsonRequest(body);
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .includeResponseBody(true)
            .maxBodySize(16)
            .build();
        filter(options).doFilter(request, this.response, (req, res) -> {
            req.getInputStream().readAllBytes();
            writeJson(res, body);
        });
        Map<String, Object> fields = fields(singleLine());
        assertThat(fields).containsEntry("http.request.body.content", "{\"prompt\":\"xxxx…")
            .containsEntry("http.response.body.content", "{\"prompt\":\"xxxx…");
        assertThat(this.response.getContentAsString()).isEqualTo(body);
    }

    @Test
    void truncationNeverLeavesHalfACharacterOrAnUnmaskedSecret() throws Exception {
        MockHttpServletRequest request = jsonRequest("{\"password\":\"hunter2hunter2\"}");
        RequestLoggingOptions options = RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .maxBodySize(20)
            .build();
        filter(options).doFilter(request, this.response, (req, res) -> req.getInputStream().readAllBytes());
        assertThat(fields(singleLine())).containsEntry("http.request.body.content", "{\"password\":\"****\"…");
        this.appender.list.clear();
        MockHttpServletRequest accented = jsonRequest("\"ééééé\"");
        filter(RequestLoggingOptions.builder().includeRequestBody(true).maxBodySize(4).build()).doFilter(accented,
                new MockHttpServletResponse(), (req, res) -> req.getInputStream().readAllBytes());
        assertThat(fields(singleLine())).containsEntry("http.request.body.content", "\"é…");
    }

    @Test
    void exceptionsAreLoggedAsServerErrorsAndRethrownUnchanged() throws Exception {
        IllegalStateException cause = new IllegalStateException("model down, api_key=abc");
        ServletException wrapped = new ServletException("Request processing failed", cause);
        MockHttpServletRequest request = request("POST", "/v1/chat/completions");
        request.addHeader("X-Request-Id", "req-err");
        RequestLoggingFilter filter = new RequestLoggingFilter(RequestLoggingOptions.builder().build());
        assertThatExceptionOfType(ServletException.class)
            .isThrownBy(() -> filter.doFilter(request, this.response, (req, res) -> {
                req.setAttribute(ROUTE_ATTRIBUTE, "/v1/chat/completions");
                throw wrapped;
            }))
            .isSameAs(wrapped);
        ILoggingEvent line = singleLine();
        assertThat(line.getThrowableProxy()).isNull();
        assertThat(fields(line)).containsEntry("http.response.status_code", 500)
            .containsEntry("exception.type", "java.lang.IllegalStateException")
            .containsEntry("exception.message", "model down, api_key=****");
        assertThat(line.getFormattedMessage()).contains(" 500 ", " exception=java.lang.IllegalStateException");
        assertThat(MDC.get("request_id")).isNull();
    }

    @Test
    void failuresToLogNeverFailTheRequest() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/") {

            @Override
            public String getRemoteAddr() {
                throw new IllegalStateException("recycled request");
            }

        };
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicReference<Boolean> chainRan = new AtomicReference<>(false);
        filter(RequestLoggingOptions.builder().includeClientAddress(true).build()).doFilter(request, response,
                (req, res) -> chainRan.set(true));
        assertThat(chainRan).hasValue(true);
        assertThat(lines()).isEmpty();
        assertThat(this.appender.list).singleElement()
            .satisfies((warning) -> assertThat(warning.getFormattedMessage())
                .startsWith("Failed to log a request: GET /"));
        assertThat(MDC.get("request_id")).isNull();
    }

    @Test
    void malformedHeadersNeverFailTheRequest() throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/") {

            @Override
            public java.util.Enumeration<String> getHeaders(String name) {
                throw new IllegalArgumentException("malformed header " + name);
            }

        };
        MockHttpServletResponse response = new MockHttpServletResponse();
        filter(RequestLoggingOptions.builder().includedHeaders(List.of("X-Tenant")).build()).doFilter(request, response,
                (req, res) -> ((HttpServletResponse) res).setStatus(204));
        String id = response.getHeader("X-Request-Id");
        assertThat(id).hasSize(36);
        assertThat(this.appender.list).anySatisfy((warning) -> assertThat(warning.getFormattedMessage())
            .startsWith("Failed to log a request: reading the request id header of GET /"));
        assertThat(fields(singleLine())).containsEntry("http.response.status_code", 204)
            .containsEntry("http.request.id", id)
            .doesNotContainKey("http.request.header.x-tenant");
    }

    @Test
    void asyncRequestsAreLoggedOnceWhenTheyComplete() throws Exception {
        MockHttpServletRequest request = request("GET", "/stream");
        request.setAsyncSupported(true);
        request.addHeader("X-Request-Id", "req-async");
        RequestLoggingFilter filter = filter(RequestLoggingOptions.builder().includeResponseBody(true).build());
        filter.doFilter(request, this.response, (req, res) -> {
            req.startAsync(req, res);
            res.setContentType("text/event-stream");
            res.getWriter().write("data: one\n\n");
        });
        assertThat(this.appender.list).isEmpty();
        assertThat(MDC.get("request_id")).isNull();
        // The async dispatch gets the request id in its MDC and logs nothing.
        request.setDispatcherType(jakarta.servlet.DispatcherType.ASYNC);
        request.setAsyncStarted(false);
        AtomicReference<String> mdc = new AtomicReference<>();
        filter.doFilter(request, this.response, (req, res) -> {
            mdc.set(MDC.get("request_id"));
            // Later events go to the response the async context was started with.
            req.getAsyncContext().getResponse().getWriter().write("data: two\n\n");
        });
        assertThat(mdc).hasValue("req-async");
        assertThat(this.appender.list).isEmpty();
        MockAsyncContext asyncContext = (MockAsyncContext) request.getAsyncContext();
        asyncContext.complete();
        assertThat(singleLine().getFormattedMessage()).startsWith("GET /stream 200 ");
        assertThat(fields(singleLine())).containsEntry("http.request.id", "req-async")
            .containsEntry("http.response.body.content", "data: one\n\ndata: two\n\n");
        assertThat(this.response.getContentAsString()).isEqualTo("data: one\n\ndata: two\n\n");
    }

    private static RequestLoggingFilter filter(RequestLoggingOptions options) {
        return new RequestLoggingFilter(options);
    }

    private static MockHttpServletRequest request(String method, String uri) {
        return new MockHttpServletRequest(method, uri);
    }

    private static MockHttpServletRequest jsonRequest(String body) {
        MockHttpServletRequest request = request("POST", "/v1/chat/completions");
        request.setContentType("application/json");
        request.setContent(body.getBytes(StandardCharsets.UTF_8));
        return request;
    }

    private static void writeJson(jakarta.servlet.ServletResponse response, String json) throws IOException {
        response.setContentType("application/json");
        response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The request lines, leaving out warnings about failures to log.
     */
    private List<ILoggingEvent> lines() {
        return this.appender.list.stream()
            .filter((event) -> event.getKeyValuePairs() != null && !event.getKeyValuePairs().isEmpty())
            .toList();
    }

    private ILoggingEvent singleLine() {
        List<ILoggingEvent> lines = lines();
        assertThat(lines).hasSize(1);
        return lines.get(0);
    }

    private static Map<String, Object> fields(ILoggingEvent line) {
        Map<String, Object> fields = new LinkedHashMap<>();
        List<KeyValuePair> pairs = line.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair pair : pairs) {
                assertThat(fields.put(pair.key, pair.value)).as("duplicate key %s", pair.key).isNull();
            }
        }
        return fields;
    }

}
