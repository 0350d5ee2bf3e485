package io.inferlens.spring.web.reactive;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import io.inferlens.testsupport.RecordingErrorTracker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Signal;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPatternParser;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveErrorCaptureFilter}: which exceptions that end an exchange are
 * captured, with what, and that the exchange always ends with the same exception.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class ReactiveErrorCaptureFilterTests {

    private final List<String> captured = new ArrayList<>();

    @Test
    void serverErrorsAreCapturedWithRouteStatusAndRequestIdAndPassedOnUnchanged() {
        IllegalStateException failure = new IllegalStateException("model down");
        MockServerWebExchange exchange = exchange();
        exchange.getAttributes().put(RequestLoggingWebFilter.REQUEST_ID_ATTRIBUTE, "req-1");
        assertThat(end(filter(false), exchange, failure)).isSameAs(failure);
        assertThat(end(filter(false), exchange(), new ResponseStatusException(HttpStatus.BAD_GATEWAY))).isNotNull();
        assertThat(end(filter(false), exchange(), new Overloaded())).isNotNull();
        assertThat(this.captured).containsExactly(
                "IllegalStateException http.server.requests {http.request.id=req-1, http.response.status_code=500, http.route=/v1/models/{id}}",
                "ResponseStatusException http.server.requests {http.response.status_code=502, http.route=/v1/models/{id}}",
                "Overloaded http.server.requests {http.response.status_code=503, http.route=/v1/models/{id}}");
    }

    @Test
    void clientErrorsAreCapturedOnlyWhenConfigured() {
        for (ReactiveErrorCaptureFilter filter : new ReactiveErrorCaptureFilter[] { filter(false), filter(true) }) {
            end(filter, exchange(), new ResponseStatusException(HttpStatus.NOT_FOUND));
            end(filter, exchange(), new NotAcceptableStatusException(List.of()));
        }
        assertThat(this.captured).containsExactly(
                "ResponseStatusException http.server.requests {http.response.status_code=404, http.route=/v1/models/{id}}",
                "NotAcceptableStatusException http.server.requests {http.response.status_code=406, http.route=/v1/models/{id}}");
    }

    @Test
    void failureOfAResponseAlreadyOnItsWayIsCapturedWithItsStatus() {
        MockServerWebExchange exchange = exchange();
        exchange.getResponse().setStatusCode(HttpStatus.OK);
        exchange.getResponse().setComplete().block(Duration.ofSeconds(5));
        end(filter(false), exchange, new ResponseStatusException(HttpStatus.NOT_FOUND));
        assertThat(this.captured).containsExactly(
                "ResponseStatusException http.server.requests {http.response.status_code=200, http.route=/v1/models/{id}}");
    }

    @Test
    void clientThatWentAwayIsNotAnError() {
        end(filter(true), exchange(), new IOException("Connection reset by peer"));
        assertThat(this.captured).isEmpty();
    }

    @Test
    void exceptionsArePassedOnWhenThereIsNoTrackerOrItFails(CapturedOutput output) {
        IllegalStateException failure = new IllegalStateException("boom");
        assertThat(end(new ReactiveErrorCaptureFilter(() -> null, true), exchange(), failure)).isSameAs(failure);
        assertThat(
                end(new ReactiveErrorCaptureFilter(() -> new RecordingErrorTracker(null), true), exchange(), failure))
            .isSameAs(failure);
        assertThat(output).contains("Failed to capture the exception of a request (GET /v1/models/gpt)")
            .contains("tracker down");
    }

    private ReactiveErrorCaptureFilter filter(boolean captureClientErrors) {
        return new ReactiveErrorCaptureFilter(() -> new RecordingErrorTracker(this.captured), captureClientErrors);
    }

    private static MockServerWebExchange exchange() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/v1/models/gpt"));
        exchange.getAttributes()
            .put(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
                    PathPatternParser.defaultInstance.parse("/v1/models/{id}"));
        return exchange;
    }

    private static @Nullable Throwable end(ReactiveErrorCaptureFilter filter, ServerWebExchange exchange,
            Throwable failure) {
        Signal<Void> signal = filter.filter(exchange, (filtered) -> Mono.error(failure))
            .materialize()
            .block(Duration.ofSeconds(5));
        assertThat(signal).isNotNull();
        return signal.getThrowable();
    }

    @ResponseStatus(HttpStatus.SERVICE_UNAVAILABLE)
    static class Overloaded extends RuntimeException {

    }

}
