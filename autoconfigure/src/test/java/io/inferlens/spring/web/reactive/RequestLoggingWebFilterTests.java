package io.inferlens.spring.web.reactive;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.web.RequestLogKeys;
import io.micrometer.common.KeyValue;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.test.simple.SimpleSpan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;
import reactor.core.publisher.Sinks;
import reactor.core.Disposable;

import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RequestLoggingWebFilter} with mock exchanges, its lines read from a
 * Logback list appender. What the line holds and how it is masked is the
 * {@link io.inferlens.spring.web.RequestLogWriter}'s, shared with the servlet filter and
 * tested there; these tests are about the reactive exchange: when the line is written,
 * with which status and outcome, and what the filter does to the exchange.
 *
 * @author Inferlens
 */
class RequestLoggingWebFilterTests {

    private final Logger logger = (Logger) LoggerFactory.getLogger(RequestLogKeys.LOGGER_NAME);

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

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
    }

    @Test
    void streamedResponseIsLoggedOnceAfterItsLastElement() throws Exception {
        MockServerWebExchange exchange = exchange(
                MockServerHttpRequest.get("/v1/stream").header("X-Request-Id", "r-1"));
        Sinks.Many<String> events = Sinks.many().unicast().onBackpressureBuffer();
        WebFilterChain chain = (filtered) -> {
            filtered.getAttributes()
                .put(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
                        PathPatternParser.defaultInstance.parse("/v1/stream"));
            filtered.getResponse().getHeaders().setContentType(MediaType.TEXT_EVENT_STREAM);
            return filtered.getResponse().writeAndFlushWith(events.asFlux().map((event) -> Mono.just(buffer(event))));
        };
        CompletableFuture<Signal<Void>> end = filter(RequestLoggingOptions.builder().build()).filter(exchange, chain)
            .materialize()
            .toFuture();
        events.tryEmitNext("data: a\n\n");
        assertThat(lines()).isEmpty();
        events.tryEmitNext("data: b\n\n");
        assertThat(lines()).isEmpty();
        assertThat(end).isNotDone();
        events.tryEmitComplete();
        assertThat(end.get(5, TimeUnit.SECONDS).isOnComplete()).isTrue();
        ILoggingEvent line = singleLine();
        assertThat(fields(line)).containsEntry("http.response.status_code", 200)
            .containsEntry("http.route", "/v1/stream")
            .containsEntry("http.request.id", "r-1")
            .doesNotContainKey("event.cancelled");
        assertThat(line.getFormattedMessage())
            .matches("GET /v1/stream 200 \\d+\\.\\d ms route=/v1/stream request_id=r-1");
        assertThat(exchange.getResponse().getHeaders().getFirst("X-Request-Id")).isEqualTo("r-1");
        assertThat(exchange.<String>getAttribute(RequestLoggingWebFilter.REQUEST_ID_ATTRIBUTE)).isEqualTo("r-1");
    }

    @Test
    void cancelledExchangeIsLoggedOnceAsCancelled() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/v1/stream"));
        WebFilterChain chain = (filtered) -> {
            filtered.getResponse().setStatusCode(HttpStatus.OK);
            return Mono.never();
        };
        Disposable subscription = filter(RequestLoggingOptions.builder().minStatus(500).build()).filter(exchange, chain)
            .subscribe();
        assertThat(lines()).isEmpty();
        subscription.dispose();
        subscription.dispose();
        ILoggingEvent line = singleLine();
        assertThat(fields(line)).containsEntry("event.cancelled", true).containsEntry("http.response.status_code", 200);
        assertThat(line.getFormattedMessage()).matches("GET /v1/stream 200 \\d+\\.\\d ms cancelled request_id=.*");
    }

    @Test
    void streamTheServerStopsWritingIsCancelledThoughTheExchangeCompletes() {
        MockServerWebExchange mock = exchange(MockServerHttpRequest.get("/v1/stream"));
        // What Reactor Netty does when the client closes the connection mid-stream: it
        // cancels the body and completes the write.
        ServerWebExchange exchange = mock.mutate().response(new ServerHttpResponseDecorator(mock.getResponse()) {

            @Override
            public Mono<Void> writeAndFlushWith(Publisher<? extends Publisher<? extends DataBuffer>> body) {
                return Flux.from(body).take(1).flatMap(Flux::from).doOnNext(DataBufferUtils::release).then();
            }

        }).build();
        assertThat(end(filter(RequestLoggingOptions.builder().build())
            .filter(exchange, (filtered) -> filtered.getResponse()
                .writeAndFlushWith(Flux.interval(Duration.ofMillis(5)).map((i) -> Mono.just(buffer("data: x\n\n")))))))
            .isNull();
        assertThat(fields(singleLine())).containsEntry("event.cancelled", true);
    }

    @Test
    void streamWrittenToItsEndIsNotCancelled() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/v1/stream"));
        assertThat(end(filter(RequestLoggingOptions.builder().build()).filter(exchange,
                (filtered) -> filtered.getResponse()
                    .writeAndFlushWith(Flux.range(1, 3).map((i) -> Mono.just(buffer("data: " + i + "\n\n")))))))
            .isNull();
        assertThat(fields(singleLine())).doesNotContainKey("event.cancelled");
    }

    @Test
    void clientThatWentAwayIsCancelledNotAnError() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/v1/stream"));
        assertThat(end(filter(RequestLoggingOptions.builder().build()).filter(exchange,
                (filtered) -> Mono.error(new IOException("Connection reset by peer")))))
            .isInstanceOf(IOException.class);
        assertThat(fields(singleLine())).containsEntry("event.cancelled", true)
            .doesNotContainKey("exception.type")
            .containsEntry("http.response.status_code", 200);
    }

    @Test
    void exceptionsAreLoggedWithTheStatusTheyAreAnsweredWithAndPropagatedUnchanged() {
        IllegalStateException failure = new IllegalStateException("model down, api_key=abc");
        assertThat(end(filter(RequestLoggingOptions.builder().build())
            .filter(exchange(MockServerHttpRequest.get("/fail")), (filtered) -> Mono.error(failure))))
            .isSameAs(failure);
        assertThat(end(
                filter(RequestLoggingOptions.builder().build()).filter(exchange(MockServerHttpRequest.get("/missing")),
                        (filtered) -> Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND)))))
            .isInstanceOf(ResponseStatusException.class);
        List<ILoggingEvent> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(fields(lines.get(0))).containsEntry("http.response.status_code", 500)
            .containsEntry("exception.type", IllegalStateException.class.getName())
            .containsEntry("exception.message", "model down, api_key=****");
        // A client error is an answer, as a resolved exception is on Spring MVC.
        assertThat(fields(lines.get(1))).containsEntry("http.response.status_code", 404)
            .doesNotContainKey("exception.type");
    }

    @Test
    void requestIdIsAddedToTheServerObservationAndTraceIdsAreReadFromItsSpan() {
        MockServerWebExchange exchange = exchange(
                MockServerHttpRequest.get("/traced").header("X-Request-Id", "bad id!"));
        ServerRequestObservationContext observation = new ServerRequestObservationContext(exchange.getRequest(),
                exchange.getResponse(), exchange.getAttributes());
        SimpleSpan span = new SimpleSpan();
        span.context().setTraceId("4bf92f3577b34da6a3ce929d0e0e4736");
        span.context().setSpanId("00f067aa0ba902b7");
        TracingObservationHandler.TracingContext tracing = new TracingObservationHandler.TracingContext();
        tracing.setSpan(span);
        observation.put(TracingObservationHandler.TracingContext.class, tracing);
        exchange.getAttributes()
            .put(ServerRequestObservationContext.CURRENT_OBSERVATION_CONTEXT_ATTRIBUTE, observation);
        assertThat(end(filter(RequestLoggingOptions.builder().build()).filter(exchange, (filtered) -> {
            observation.setPathPattern("/traced");
            return Mono.empty();
        }))).isNull();
        String requestId = exchange.getResponse().getHeaders().getFirst("X-Request-Id");
        assertThat(requestId).matches("[0-9a-f-]{36}");
        assertThat(observation.getHighCardinalityKeyValue("http.request.id"))
            .isEqualTo(KeyValue.of("http.request.id", requestId));
        assertThat(singleLine().getFormattedMessage()).endsWith("route=/traced request_id=" + requestId
                + " trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7");
    }

    @Test
    void bodiesAreCapturedAsTheyGoThroughUnchanged() {
        String requestJson = "{\"prompt\":\"hi\",\"api_key\":\"k-1\"}";
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.post("/v1/chat")
            .contentType(MediaType.APPLICATION_JSON)
            .body(Flux.just(buffer(requestJson.substring(0, 10)), buffer(requestJson.substring(10)))));
        WebFilterChain chain = (filtered) -> DataBufferUtils.join(filtered.getRequest().getBody()).flatMap((body) -> {
            String received = body.toString(StandardCharsets.UTF_8);
            DataBufferUtils.release(body);
            filtered.getResponse().getHeaders().setContentType(MediaType.TEXT_PLAIN);
            return filtered.getResponse().writeWith(Flux.just(buffer("echo "), buffer(received)));
        });
        assertThat(end(filter(RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .includeResponseBody(true)
            .maxBodySize(16)
            .build()).filter(exchange, chain))).isNull();
        assertThat(exchange.getResponse().getBodyAsString().block(Duration.ofSeconds(5)))
            .isEqualTo("echo " + requestJson);
        Map<String, Object> fields = fields(singleLine());
        assertThat(fields).containsEntry("http.request.body.content", "{\"prompt\":\"hi\",…")
            .containsEntry("http.response.body.content", "echo {\"prompt\":…");
    }

    @Test
    void bodiesAreLeftAloneByDefault() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/"));
        assertThat(end(filter(RequestLoggingOptions.builder().build()).filter(exchange, (filtered) -> {
            assertThat(filtered.getRequest()).isSameAs(exchange.getRequest());
            return filtered.getResponse().writeWith(Mono.just(buffer("ok")));
        }))).isNull();
        assertThat(fields(singleLine())).doesNotContainKeys("http.request.body.content", "http.response.body.content");
    }

    @Test
    void excludedPathsAreNeitherLoggedNorGivenARequestId() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.get("/actuator/health"));
        assertThat(end(filter(RequestLoggingOptions.builder().excludedPaths(List.of("/actuator/**")).build())
            .filter(exchange, (filtered) -> Mono.empty()))).isNull();
        assertThat(lines()).isEmpty();
        assertThat(exchange.getResponse().getHeaders().containsHeader("X-Request-Id")).isFalse();
    }

    @Test
    void malformedHeadersNeverFailTheRequest() {
        MockServerWebExchange exchange = exchange(MockServerHttpRequest.post("/")
            .header("Content-Type", "not a media type")
            .header("X-Request-Id", "a", "b")
            .body(Flux.just(buffer("{}"))));
        ServerWebExchange[] seen = new ServerWebExchange[1];
        assertThat(end(filter(RequestLoggingOptions.builder()
            .includeRequestBody(true)
            .includedHeaders(List.of("Content-Type"))
            .build()).filter(exchange, (filtered) -> {
                seen[0] = filtered;
                return filtered.getRequest().getBody().then();
            }))).isNull();
        assertThat(seen[0]).isNotNull();
        assertThat(fields(singleLine())).containsEntry("http.request.header.content-type", "not a media type")
            .containsEntry("http.response.status_code", 200)
            .doesNotContainKey("http.request.body.content");
    }

    /**
     * Subscribes and waits for the end: the exception it failed with, or {@code null}.
     */
    private static Throwable end(Mono<Void> exchange) {
        Signal<Void> signal = exchange.materialize().block(Duration.ofSeconds(5));
        assertThat(signal).isNotNull();
        return signal.getThrowable();
    }

    private static RequestLoggingWebFilter filter(RequestLoggingOptions options) {
        return new RequestLoggingWebFilter(options);
    }

    private static MockServerWebExchange exchange(MockServerHttpRequest.BaseBuilder<?> request) {
        return MockServerWebExchange.from(request);
    }

    private static MockServerWebExchange exchange(MockServerHttpRequest request) {
        return MockServerWebExchange.from(request);
    }

    private static DataBuffer buffer(String text) {
        return DefaultDataBufferFactory.sharedInstance.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

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
        for (KeyValuePair pair : line.getKeyValuePairs()) {
            fields.put(pair.key, pair.value);
        }
        return fields;
    }

}
