package io.inferlens.spring.web.servlet;

import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.inferlens.observation.FailureLog;
import io.inferlens.spring.web.LoggedRequest;
import io.inferlens.spring.web.RequestLogWriter;
import io.inferlens.spring.web.RequestLoggingOptions;
import io.inferlens.web.BodyText;
import io.inferlens.web.RequestIds;
import io.inferlens.web.RequestLogKeys;
import io.inferlens.web.RequestLogMasker;
import io.inferlens.web.TracingIds;
import io.micrometer.common.KeyValue;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.util.ClassUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Writes one log line per HTTP request: method, path, route, status, duration, request
 * id, trace and span ids, and optionally the client address, query, chosen headers and
 * bodies, with credentials masked. The fields are SLF4J key-value pairs (see
 * {@link RequestLogKeys}), which Boot's structured logging writes as JSON fields; the
 * message itself is a readable line for plain-text logs, such as
 * {@code GET /v1/chat/completions 200 12.3 ms route=/v1/chat/completions request_id=...
 * trace_id=... span_id=...}.
 * <p>
 * The request id comes from the request id header when it is {@link RequestIds#isSafe
 * safe}, and is otherwise generated. Before the rest of the chain runs it is echoed in
 * the response header, put in the MDC under {@value RequestLogKeys#MDC_REQUEST_ID} and
 * added to the server observation as the high-cardinality key
 * {@value RequestLogKeys#REQUEST_ID}, so that it is also an attribute of the span. Trace
 * and span ids come from that observation's span (the filter must therefore run inside
 * Spring's {@link ServerHttpObservationFilter}), else from the MDC's {@code traceId} and
 * {@code spanId}.
 * <p>
 * A line is written at INFO, or at WARN for a request slower than the threshold (those
 * are logged whatever their status); requests with a lower status than the minimum, and
 * excluded paths, are not logged. An exception that propagates out of the chain is logged
 * as status 500 with its type and rethrown unchanged; capturing it is
 * {@link ServletErrorCaptureFilter}'s concern. An asynchronous request is logged once,
 * when it completes. Nothing that goes wrong in logging fails the request: it is reported
 * by a {@link FailureLog} and the request goes on.
 *
 * @author Inferlens
 */
public class RequestLoggingFilter extends OncePerRequestFilter {

    /**
     * Request attribute holding the request id.
     */
    public static final String REQUEST_ID_ATTRIBUTE = RequestLoggingFilter.class.getName() + ".requestId";

    private static final boolean TRACING_PRESENT = ClassUtils.isPresent(
            "io.micrometer.tracing.handler.TracingObservationHandler", RequestLoggingFilter.class.getClassLoader());

    private final RequestLoggingOptions options;

    private final RequestLogWriter writer;

    /**
     * Create a filter.
     * @param options what to log
     */
    public RequestLoggingFilter(RequestLoggingOptions options) {
        this.options = options;
        this.writer = new RequestLogWriter(options);
    }

    /**
     * The options of this filter.
     * @return the options
     */
    public RequestLoggingOptions getOptions() {
        return this.options;
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        // Async dispatches only get the request id in their MDC; nothing is logged twice.
        return false;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        try {
            String uri = request.getRequestURI();
            String contextPath = request.getContextPath();
            String path = (!contextPath.isEmpty() && uri.startsWith(contextPath)) ? uri.substring(contextPath.length())
                    : uri;
            return this.options.isExcluded(path);
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("matching excluded paths", ex);
            return false;
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (isAsyncDispatch(request)) {
            continueAsync(request, response, chain);
            return;
        }
        Exchange exchange = start(request, response);
        HttpServletRequest loggedRequest = exchange.request;
        HttpServletResponse loggedResponse = (exchange.capturedResponse != null) ? exchange.capturedResponse : response;
        Throwable failure = null;
        try {
            chain.doFilter(loggedRequest, loggedResponse);
        }
        catch (Throwable ex) {
            failure = ex;
            throw ex;
        }
        finally {
            try {
                if (failure == null && loggedRequest.isAsyncStarted()) {
                    loggedRequest.getAsyncContext().addListener(new CompletionListener(exchange));
                }
                else {
                    finish(exchange, failure, true);
                }
            }
            catch (RuntimeException | LinkageError ex) {
                this.writer.failed(describe(request), ex);
            }
            finally {
                MDC.remove(RequestLogKeys.MDC_REQUEST_ID);
            }
        }
    }

    private Exchange start(HttpServletRequest request, HttpServletResponse response) {
        long startNanos = System.nanoTime();
        String requestId;
        try {
            requestId = RequestIds.resolve(request.getHeaders(this.options.getRequestIdHeader()));
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("reading the request id header of " + describe(request), ex);
            requestId = RequestIds.generate();
        }
        Exchange exchange = new Exchange(startNanos, requestId, request, response);
        try {
            response.setHeader(this.options.getRequestIdHeader(), requestId);
            request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
            MDC.put(RequestLogKeys.MDC_REQUEST_ID, requestId);
            ServerRequestObservationContext observation = ServerHttpObservationFilter.findObservationContext(request)
                .orElse(null);
            if (observation != null) {
                observation.addHighCardinalityKeyValue(KeyValue.of(RequestLogKeys.REQUEST_ID, requestId));
                if (TRACING_PRESENT) {
                    exchange.traceId = TracingIds.traceId(observation);
                    exchange.spanId = TracingIds.spanId(observation);
                }
            }
            if (exchange.traceId == null) {
                exchange.traceId = MDC.get("traceId");
                exchange.spanId = MDC.get("spanId");
            }
            if (this.options.isIncludeRequestBody()) {
                // One byte more than logged, to know that the body was longer.
                exchange.request = new ContentCachingRequestWrapper(request, this.options.getMaxBodySize() + 1);
            }
            if (this.options.isIncludeResponseBody()) {
                exchange.capturedResponse = new BodyCapturingResponseWrapper(response, this.options.getMaxBodySize());
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.writer.failed("starting " + describe(request), ex);
        }
        return exchange;
    }

    private void continueAsync(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object requestId = request.getAttribute(REQUEST_ID_ATTRIBUTE);
        if (!(requestId instanceof String id)) {
            chain.doFilter(request, response);
            return;
        }
        MDC.put(RequestLogKeys.MDC_REQUEST_ID, id);
        try {
            chain.doFilter(request, response);
        }
        finally {
            MDC.remove(RequestLogKeys.MDC_REQUEST_ID);
        }
    }

    /**
     * Log a request that has ended.
     * @param exchange the request
     * @param error an exception it ended with, or {@code null}
     * @param propagated whether the exception propagated out of the chain (status 500),
     * rather than ending an asynchronous request
     */
    private void finish(Exchange exchange, @Nullable Throwable error, boolean propagated) {
        long nanos = System.nanoTime() - exchange.startNanos;
        Throwable cause = (error != null) ? ServletRequests.unwrap(error) : null;
        int status = (cause != null && propagated) ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR
                : exchange.response.getStatus();
        this.writer.write(exchange, status, nanos, ServletRequests.route(exchange.request), cause, false);
    }

    private static String describe(HttpServletRequest request) {
        return request.getMethod() + " " + request.getRequestURI();
    }

    /**
     * One request, from its first dispatch to its end.
     */
    private final class Exchange implements LoggedRequest {

        final long startNanos;

        final String requestId;

        HttpServletRequest request;

        final HttpServletResponse response;

        @Nullable BodyCapturingResponseWrapper capturedResponse;

        @Nullable String traceId;

        @Nullable String spanId;

        Exchange(long startNanos, String requestId, HttpServletRequest request, HttpServletResponse response) {
            this.startNanos = startNanos;
            this.requestId = requestId;
            this.request = request;
            this.response = response;
        }

        @Override
        public String method() {
            return this.request.getMethod();
        }

        @Override
        public String path() {
            return this.request.getRequestURI();
        }

        @Override
        public @Nullable String query() {
            return this.request.getQueryString();
        }

        @Override
        public String requestId() {
            return this.requestId;
        }

        @Override
        public @Nullable String traceId() {
            return this.traceId;
        }

        @Override
        public @Nullable String spanId() {
            return this.spanId;
        }

        @Override
        public @Nullable String clientAddress() {
            return this.request.getRemoteAddr();
        }

        @Override
        public List<String> headerValues(String name) {
            Enumeration<String> values = this.request.getHeaders(name);
            return (values != null) ? Collections.list(values) : List.of();
        }

        @Override
        public @Nullable String requestBody(RequestLogMasker masker) {
            if (this.request instanceof ContentCachingRequestWrapper cached) {
                String contentType = cached.getContentType();
                if (BodyText.isLoggable(contentType)) {
                    byte[] bytes = cached.getContentAsByteArray();
                    return BodyText.of(bytes, bytes.length, contentType,
                            RequestLoggingFilter.this.options.getMaxBodySize(), masker);
                }
            }
            return null;
        }

        @Override
        public @Nullable String responseBody(RequestLogMasker masker) {
            return (this.capturedResponse != null) ? this.capturedResponse.bodyText(masker) : null;
        }

    }

    /**
     * Logs an asynchronous request once, when it completes.
     */
    private final class CompletionListener implements AsyncListener {

        private final Exchange exchange;

        private final AtomicBoolean logged = new AtomicBoolean();

        private volatile @Nullable Throwable error;

        CompletionListener(Exchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            if (!this.logged.compareAndSet(false, true)) {
                return;
            }
            MDC.put(RequestLogKeys.MDC_REQUEST_ID, this.exchange.requestId);
            try {
                finish(this.exchange, this.error, false);
            }
            catch (RuntimeException | LinkageError ex) {
                RequestLoggingFilter.this.writer.failed(describe(this.exchange.request), ex);
            }
            finally {
                MDC.remove(RequestLogKeys.MDC_REQUEST_ID);
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // Spring MVC turns a timeout into a response; the line is written on
            // completion.
        }

        @Override
        public void onError(AsyncEvent event) {
            this.error = event.getThrowable();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }

    }

}
