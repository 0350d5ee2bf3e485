package io.inferlens.spring.web;

import java.util.List;
import java.util.Map;

import io.inferlens.observation.FailureLog;
import io.inferlens.privacy.Secrets;
import io.inferlens.web.RequestLogKeys;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Writes the request log line of a request that has ended, the same on every web stack: a
 * readable message such as {@code GET /v1/chat/completions 200 12.3 ms
 * route=/v1/chat/completions request_id=... trace_id=... span_id=...} and the fields as
 * SLF4J key-value pairs (see {@link RequestLogKeys}).
 * <p>
 * A line is written at INFO, or at WARN for a request slower than the threshold. Requests
 * with a lower status than the minimum are not logged, unless they were slow or
 * cancelled. Nothing that goes wrong here fails the request: it is reported by a
 * {@link FailureLog}.
 *
 * @author Inferlens
 */
public final class RequestLogWriter {

    private static final int MAX_EXCEPTION_MESSAGE_LENGTH = 256;

    private static final Logger requestLog = LoggerFactory.getLogger(RequestLogKeys.LOGGER_NAME);

    private final FailureLog failures = new FailureLog(LogFactory.getLog(RequestLogKeys.LOGGER_NAME),
            "Failed to log a request: %s");

    private final RequestLoggingOptions options;

    /**
     * Create a writer.
     * @param options what to log
     */
    public RequestLogWriter(RequestLoggingOptions options) {
        this.options = options;
    }

    /**
     * Report a failure of the instrumentation, once at WARN and then at DEBUG.
     * @param what what failed
     * @param ex the exception
     */
    public void failed(String what, Throwable ex) {
        this.failures.log(what, ex);
    }

    /**
     * Write the line of a request that has ended; never throws.
     * @param request the request
     * @param status the status it was answered with
     * @param nanos how long it took
     * @param route the route template that handled it, or {@code null}
     * @param error the exception it failed with, or {@code null}
     * @param cancelled whether the client went away before the response was complete
     */
    public void write(LoggedRequest request, int status, long nanos, @Nullable String route, @Nullable Throwable error,
            boolean cancelled) {
        try {
            log(request, status, nanos, route, error, cancelled);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log(request.method() + " " + request.path(), ex);
        }
    }

    private void log(LoggedRequest request, int status, long nanos, @Nullable String route, @Nullable Throwable error,
            boolean cancelled) {
        boolean slow = nanos > this.options.getSlowThresholdNanos();
        if (status < this.options.getMinStatus() && !slow && !cancelled) {
            return;
        }
        Level level = slow ? Level.WARN : Level.INFO;
        if (!requestLog.isEnabledForLevel(level)) {
            return;
        }
        LoggingEventBuilder event = requestLog.atLevel(level);
        StringBuilder message = new StringBuilder(160);
        String method = request.method();
        String path = request.path();
        message.append(method).append(' ').append(path);
        event.addKeyValue(RequestLogKeys.METHOD, method).addKeyValue(RequestLogKeys.PATH, path);
        String query = this.options.isIncludeQuery() ? request.query() : null;
        if (query != null) {
            String masked = this.options.getMasker().maskQuery(query);
            message.append('?').append(masked);
            event.addKeyValue(RequestLogKeys.QUERY, masked);
        }
        long tenths = (nanos + 50_000) / 100_000;
        message.append(' ')
            .append(status)
            .append(' ')
            .append(tenths / 10)
            .append('.')
            .append(tenths % 10)
            .append(" ms");
        event.addKeyValue(RequestLogKeys.STATUS, status)
            .addKeyValue(RequestLogKeys.DURATION, nanos)
            .addKeyValue(RequestLogKeys.DURATION_MS, tenths / 10.0);
        if (slow) {
            message.append(" slow");
            event.addKeyValue(RequestLogKeys.SLOW, true);
        }
        if (cancelled) {
            message.append(" cancelled");
            event.addKeyValue(RequestLogKeys.CANCELLED, true);
        }
        if (route != null) {
            message.append(" route=").append(route);
            event.addKeyValue(RequestLogKeys.ROUTE, route);
        }
        message.append(" request_id=").append(request.requestId());
        event.addKeyValue(RequestLogKeys.REQUEST_ID, request.requestId());
        String traceId = request.traceId();
        if (traceId != null) {
            message.append(" trace_id=").append(traceId);
            event.addKeyValue(RequestLogKeys.TRACE_ID, traceId);
        }
        String spanId = request.spanId();
        if (spanId != null) {
            message.append(" span_id=").append(spanId);
            event.addKeyValue(RequestLogKeys.SPAN_ID, spanId);
        }
        if (this.options.isIncludeClientAddress()) {
            String address = request.clientAddress();
            if (address != null) {
                message.append(" client=").append(address);
                event.addKeyValue(RequestLogKeys.CLIENT_ADDRESS, address);
            }
        }
        if (error != null) {
            message.append(" exception=").append(error.getClass().getName());
            event.addKeyValue(RequestLogKeys.EXCEPTION_TYPE, error.getClass().getName());
            String errorMessage = error.getMessage();
            if (errorMessage != null) {
                event.addKeyValue(RequestLogKeys.EXCEPTION_MESSAGE,
                        Secrets.truncate(Secrets.mask(errorMessage), MAX_EXCEPTION_MESSAGE_LENGTH));
            }
        }
        addHeaders(request, event, message);
        addBodies(request, event, message);
        event.setMessage(message.toString()).log();
    }

    private void addHeaders(LoggedRequest request, LoggingEventBuilder event, StringBuilder message) {
        for (Map.Entry<String, String> header : this.options.getIncludedHeaders().entrySet()) {
            try {
                List<String> values = request.headerValues(header.getKey());
                if (values.isEmpty()) {
                    continue;
                }
                String value = this.options.getMasker().maskHeader(header.getKey(), String.join(", ", values));
                event.addKeyValue(header.getValue(), value);
                if (this.options.isDetailsInMessage()) {
                    message.append(' ').append(header.getKey()).append('=');
                    appendEscaped(message, value);
                }
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures
                    .log("reading header " + header.getKey() + " of " + request.method() + " " + request.path(), ex);
            }
        }
    }

    private void addBodies(LoggedRequest request, LoggingEventBuilder event, StringBuilder message) {
        if (this.options.isIncludeRequestBody()) {
            addBody(RequestLogKeys.REQUEST_BODY, " request_body=", request.requestBody(this.options.getMasker()), event,
                    message);
        }
        if (this.options.isIncludeResponseBody()) {
            addBody(RequestLogKeys.RESPONSE_BODY, " response_body=", request.responseBody(this.options.getMasker()),
                    event, message);
        }
    }

    private void addBody(String key, String label, @Nullable String body, LoggingEventBuilder event,
            StringBuilder message) {
        if (body == null) {
            return;
        }
        event.addKeyValue(key, body);
        if (this.options.isDetailsInMessage()) {
            message.append(label);
            appendEscaped(message, body);
        }
    }

    /**
     * Append a value to a plain-text message with line breaks escaped, so that a header
     * or body cannot forge log lines.
     */
    private static void appendEscaped(StringBuilder message, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\n') {
                message.append("\\n");
            }
            else if (c == '\r') {
                message.append("\\r");
            }
            else {
                message.append(c);
            }
        }
    }

}
