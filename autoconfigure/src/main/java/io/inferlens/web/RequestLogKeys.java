package io.inferlens.web;

/**
 * Keys of the SLF4J key-value pairs of a request log line. They follow the Elastic Common
 * Schema and OpenTelemetry's HTTP conventions, and are chosen so that none is both a
 * field and the parent of another: Boot's ECS formatter nests dotted keys
 * ({@code http.request.method} becomes {@code {"http":{"request":{"method":...}}}}) and
 * fails on such a clash. The line never carries a throwable, so the formatter's own
 * {@code error} object does not appear on it; exceptions are described under
 * {@code exception.*}.
 *
 * @author Inferlens
 */
public final class RequestLogKeys {

    /**
     * Name of the logger of request log lines, whatever the web stack: the name it had
     * when the servlet filter was in this package, kept so that existing
     * {@code logging.level.*} settings still apply.
     */
    public static final String LOGGER_NAME = "io.inferlens.web.RequestLoggingFilter";

    /**
     * HTTP method, such as {@code GET}.
     */
    public static final String METHOD = "http.request.method";

    /**
     * Request path, context path included, as sent (not decoded).
     */
    public static final String PATH = "url.path";

    /**
     * Query string, values of sensitive parameters masked; only when enabled.
     */
    public static final String QUERY = "url.query";

    /**
     * Whether the client went away before the response was complete, such as a client
     * that closed a stream of server-sent events; present (and {@code true}) only on
     * cancelled requests.
     */
    public static final String CANCELLED = "event.cancelled";

    /**
     * Route template that handled the request, such as {@code /v1/models/{id}}; absent
     * when no handler matched.
     */
    public static final String ROUTE = "http.route";

    /**
     * Response status code, a number.
     */
    public static final String STATUS = "http.response.status_code";

    /**
     * Duration of the request in nanoseconds, a number.
     */
    public static final String DURATION = "event.duration";

    /**
     * Duration of the request in milliseconds, with one decimal, a number.
     */
    public static final String DURATION_MS = "duration_ms";

    /**
     * Whether the request took longer than the slow-request threshold; present (and
     * {@code true}) only on slow requests.
     */
    public static final String SLOW = "event.slow";

    /**
     * Request id, as received in the request id header or generated.
     */
    public static final String REQUEST_ID = "http.request.id";

    /**
     * Trace id of the request's server span.
     */
    public static final String TRACE_ID = "trace.id";

    /**
     * Span id of the request's server span.
     */
    public static final String SPAN_ID = "span.id";

    /**
     * Address of the client, as seen by the server; only when enabled.
     */
    public static final String CLIENT_ADDRESS = "client.address";

    /**
     * Prefix of included request headers, followed by the header's name in lower case
     * with dots replaced by underscores, such as {@code http.request.header.x-tenant}.
     */
    public static final String REQUEST_HEADER_PREFIX = "http.request.header.";

    /**
     * Request body, masked and truncated; only when enabled.
     */
    public static final String REQUEST_BODY = "http.request.body.content";

    /**
     * Response body, masked and truncated; only when enabled.
     */
    public static final String RESPONSE_BODY = "http.response.body.content";

    /**
     * Fully-qualified class name of an exception that propagated out of the filter chain
     * (its cause when it is a {@code ServletException} wrapper), or that ended a reactive
     * request.
     */
    public static final String EXCEPTION_TYPE = "exception.type";

    /**
     * Message of that exception, secrets masked and truncated.
     */
    public static final String EXCEPTION_MESSAGE = "exception.message";

    /**
     * MDC key of the request id while the request is processed.
     */
    public static final String MDC_REQUEST_ID = "request_id";

    private RequestLogKeys() {
    }

}
