package io.inferlens.spring.web.servlet;

import java.io.IOException;
import java.util.function.Supplier;

import io.inferlens.errors.ErrorContext;
import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.HttpServerErrors;
import io.inferlens.observation.FailureLog;
import io.inferlens.web.RequestLogKeys;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Captures, with the {@link ErrorTracker}, the exceptions that propagate out of the
 * filter chain: those no Spring MVC handler saw (a filter's, a plain servlet's) and those
 * it left unresolved. They become a 500; the exception is rethrown unchanged. Together
 * with {@link MvcErrorCapture}, which captures the exceptions handlers answered with a
 * server error, it is the capture of HTTP errors; both describe an error with
 * {@link HttpServerErrors}, and the tracker captures an exception once, however many of
 * them see it. The request log line is {@link RequestLoggingFilter}'s concern, not this
 * one's.
 *
 * @author Inferlens
 */
public class ServletErrorCaptureFilter extends OncePerRequestFilter {

    private final Supplier<@Nullable ErrorTracker> errorTracker;

    private final FailureLog failures = new FailureLog(LogFactory.getLog(ServletErrorCaptureFilter.class),
            "Failed to capture the exception of a request (%s); the response is unaffected");

    /**
     * Create a filter.
     * @param errorTracker the error tracker, looked up when an exception propagates; it
     * may supply {@code null}
     */
    public ServletErrorCaptureFilter(Supplier<@Nullable ErrorTracker> errorTracker) {
        this.errorTracker = errorTracker;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        }
        catch (ServletException | IOException | RuntimeException | Error ex) {
            capture(request, ex);
            throw ex;
        }
    }

    private void capture(HttpServletRequest request, Throwable error) {
        try {
            ErrorTracker tracker = this.errorTracker.get();
            if (tracker == null) {
                return;
            }
            ErrorContext context = HttpServerErrors.context(ServletRequests.route(request),
                    HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            if (request.getAttribute(RequestLoggingFilter.REQUEST_ID_ATTRIBUTE) instanceof String requestId) {
                context = context.with(RequestLogKeys.REQUEST_ID, requestId);
            }
            tracker.captureException(ServletRequests.unwrap(error), context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log(request.getMethod() + " " + request.getRequestURI(), ex);
        }
    }

}
