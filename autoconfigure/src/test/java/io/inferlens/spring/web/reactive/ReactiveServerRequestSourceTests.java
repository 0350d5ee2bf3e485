package io.inferlens.spring.web.reactive;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ResponseStatusException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReactiveServerRequestSource}.
 *
 * @author Inferlens
 */
class ReactiveServerRequestSourceTests {

    private final ReactiveServerRequestSource source = new ReactiveServerRequestSource();

    @Test
    void operationIsTheMethodAndRoute() {
        ServerRequestObservationContext context = context(null, null);
        assertThat(this.source.isServerRequest(context)).isTrue();
        assertThat(this.source.operation(context)).isEqualTo("http POST unmatched");
        context.setPathPattern("/v1/chat/completions");
        assertThat(this.source.operation(context)).isEqualTo("http POST /v1/chat/completions");
        assertThat(this.source
            .isServerRequest(new org.springframework.http.server.observation.ServerRequestObservationContext(
                    new org.springframework.mock.web.MockHttpServletRequest(),
                    new org.springframework.mock.web.MockHttpServletResponse())))
            .isFalse();
    }

    @Test
    void serverErrorsAndUnansweredExceptionsAreFailures() {
        assertThat(this.source.failed(context(HttpStatus.OK, null))).isFalse();
        assertThat(this.source.failed(context(HttpStatus.SERVICE_UNAVAILABLE, null))).isTrue();
        assertThat(this.source.failed(context(HttpStatus.INTERNAL_SERVER_ERROR, new IllegalStateException()))).isTrue();
        // An error that broke off a response already sent as 200.
        assertThat(this.source.failed(context(HttpStatus.OK, new IllegalStateException()))).isTrue();
    }

    @Test
    void clientErrorsAndAbortedConnectionsAreNotFailures() {
        // Spring records the exceptions its handlers answered, a 404 included.
        assertThat(this.source.failed(context(HttpStatus.NOT_FOUND, new ResponseStatusException(HttpStatus.NOT_FOUND))))
            .isFalse();
        ServerRequestObservationContext aborted = context(HttpStatus.OK, new IOException("Connection reset by peer"));
        aborted.setConnectionAborted(true);
        assertThat(this.source.failed(aborted)).isFalse();
    }

    private static ServerRequestObservationContext context(HttpStatus status, Throwable error) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/chat/completions"));
        if (status != null) {
            exchange.getResponse().setStatusCode(status);
        }
        ServerRequestObservationContext context = new ServerRequestObservationContext(exchange.getRequest(),
                exchange.getResponse(), exchange.getAttributes());
        context.setError(error);
        return context;
    }

}
