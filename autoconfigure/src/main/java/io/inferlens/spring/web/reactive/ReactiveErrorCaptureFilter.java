package io.inferlens.spring.web.reactive;

import java.util.function.Supplier;

import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.HttpServerErrors;
import io.inferlens.observation.FailureLog;
import io.inferlens.web.RequestLogKeys;
import io.inferlens.web.TracingIds;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Captures, with the {@link ErrorTracker}, the exceptions that end an exchange of a
 * Spring WebFlux application: those a handler threw and no {@code @ExceptionHandler}
 * handled, and those of filters further down the chain; they reach the framework's
 * exception handlers, which answer them. The exception is passed on unchanged. It is
 * captured, with operation {@value HttpServerErrors#OPERATION}, the route, the status and
 * the request id, when it is answered with a server error (5xx), or when it broke off a
 * response already on its way; an exception answered with a client error (4xx), such as a
 * {@code ResponseStatusException} of 404 or a {@code NotAcceptableStatusException}, only
 * when client errors are configured to be; a client that went away never.
 *
 * @author Inferlens
 */
public class ReactiveErrorCaptureFilter implements WebFilter, Ordered {

    /**
     * Default order of the filter: right inside the request log's.
     */
    public static final int DEFAULT_ORDER = Ordered.HIGHEST_PRECEDENCE + 3;

    private static final boolean TRACING_PRESENT = ClassUtils.isPresent(
            "io.micrometer.tracing.handler.TracingObservationHandler",
            ReactiveErrorCaptureFilter.class.getClassLoader());

    private final Supplier<@Nullable ErrorTracker> errorTracker;

    private final boolean captureClientErrors;

    private final FailureLog failures = new FailureLog(LogFactory.getLog(ReactiveErrorCaptureFilter.class),
            "Failed to capture the exception of a request (%s); the response is unaffected");

    /**
     * Create a filter.
     * @param errorTracker the error tracker, looked up when an exception ends an
     * exchange; it may supply {@code null}
     * @param captureClientErrors whether exceptions answered with a 4xx status are
     * captured
     */
    public ReactiveErrorCaptureFilter(Supplier<@Nullable ErrorTracker> errorTracker, boolean captureClientErrors) {
        this.errorTracker = errorTracker;
        this.captureClientErrors = captureClientErrors;
    }

    @Override
    public int getOrder() {
        return DEFAULT_ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return chain.filter(exchange).doOnError((ex) -> capture(exchange, ex));
    }

    private void capture(ServerWebExchange exchange, Throwable error) {
        try {
            ErrorTracker tracker = this.errorTracker.get();
            if (tracker == null || ReactiveRequests.isClientDisconnected(error)) {
                return;
            }
            ServerHttpResponse response = exchange.getResponse();
            int status = ReactiveRequests.status(response, error);
            if (status >= 400 && status < 500 && !this.captureClientErrors) {
                return;
            }
            ErrorContext context = HttpServerErrors.context(ReactiveRequests.route(exchange), status);
            if (exchange.getAttribute(RequestLoggingWebFilter.REQUEST_ID_ATTRIBUTE) instanceof String requestId) {
                context = context.with(RequestLogKeys.REQUEST_ID, requestId);
            }
            ServerRequestObservationContext observation = ReactiveRequests.observation(exchange);
            if (observation != null && TRACING_PRESENT) {
                // No span is current on the thread that sees the error.
                context = context.withTrace(TracingIds.traceId(observation), TracingIds.spanId(observation));
            }
            tracker.captureException(error, context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log(exchange.getRequest().getMethod() + " " + exchange.getRequest().getPath(), ex);
        }
    }

}
