package io.inferlens.spring.web.servlet;

import io.inferlens.errors.ErrorTracker;
import io.inferlens.errors.HttpServerErrors;
import io.inferlens.observation.FailureLog;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.ModelAndView;

/**
 * Captures the exceptions of Spring MVC handlers without changing the response; those
 * that propagate out of the filter chain are {@link ServletErrorCaptureFilter}'s. As the
 * first {@link HandlerExceptionResolver} it sees every exception a handler throws and
 * resolves none; as a {@link HandlerInterceptor} it captures it once the response's
 * status is known, whether an {@code @ExceptionHandler} handled it or not:
 * <ul>
 * <li>with a server error status (5xx), or with no resolution at all, the exception is
 * captured with the {@link ErrorTracker} (operation {@code http.server.requests}, the
 * route and the status as attributes) and set as the error of the HTTP server
 * observation, so the request's span is marked as failed and carries an exception
 * event;</li>
 * <li>with a client error status (4xx), such as a validation failure, it is captured only
 * when client errors are configured to be.</li>
 * </ul>
 *
 * @author Inferlens
 */
public class MvcErrorCapture implements HandlerExceptionResolver, HandlerInterceptor, Ordered {

    /**
     * Operation name given to errors of HTTP requests.
     */
    public static final String OPERATION = HttpServerErrors.OPERATION;

    private static final String EXCEPTION_ATTRIBUTE = MvcErrorCapture.class.getName() + ".EXCEPTION";

    private final ErrorTracker tracker;

    private final boolean captureClientErrors;

    private final @Nullable ObservationRegistry observations;

    private final FailureLog failures = new FailureLog(LogFactory.getLog(MvcErrorCapture.class),
            "Failed to %s the exception of a Spring MVC handler; the response is unaffected");

    /**
     * Create a capture.
     * @param tracker the tracker
     * @param captureClientErrors whether exceptions answered with a 4xx status are
     * captured
     */
    public MvcErrorCapture(ErrorTracker tracker, boolean captureClientErrors) {
        this(tracker, captureClientErrors, null);
    }

    /**
     * Create a capture that also fails the HTTP server observation of a request whose
     * exception is answered with a server error.
     * @param tracker the tracker
     * @param captureClientErrors whether exceptions answered with a 4xx status are
     * captured
     * @param observations the observation registry, or {@code null}
     */
    public MvcErrorCapture(ErrorTracker tracker, boolean captureClientErrors,
            @Nullable ObservationRegistry observations) {
        this.tracker = tracker;
        this.captureClientErrors = captureClientErrors;
        this.observations = observations;
    }

    @Override
    public @Nullable ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response,
            @Nullable Object handler, Exception ex) {
        request.setAttribute(EXCEPTION_ATTRIBUTE, ex);
        return null;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            @Nullable Exception ex) {
        try {
            capture(request, response, ex);
        }
        catch (RuntimeException ex2) {
            this.failures.log("capture", ex2);
        }
    }

    private void capture(HttpServletRequest request, HttpServletResponse response, @Nullable Exception ex) {
        Throwable error = (ex != null) ? ex : (Throwable) request.getAttribute(EXCEPTION_ATTRIBUTE);
        if (error == null) {
            return;
        }
        // an exception that leaves the dispatcher becomes a 500, whatever the status says
        // now
        int status = (ex != null) ? 500 : response.getStatus();
        if (status < 500 && !this.captureClientErrors) {
            return;
        }
        this.tracker.captureException(error, HttpServerErrors.context(ServletRequests.route(request), status));
        if (status >= 500 && ex == null && this.observations != null) {
            failRequestObservation(request, error, this.observations);
        }
    }

    /**
     * Spring's observation filter records only the exceptions that leave it. Its
     * observation is the current one here, its scope open around the dispatcher; erring
     * it rather than only setting its context's error lets the tracing handler mark the
     * span.
     */
    private static void failRequestObservation(HttpServletRequest request, Throwable error,
            ObservationRegistry observations) {
        ServerRequestObservationContext context = ServerHttpObservationFilter.findObservationContext(request)
            .orElse(null);
        Observation current = observations.getCurrentObservation();
        if (context != null && context.getError() == null && current != null && current.getContext() == context) {
            current.error(error);
        }
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

}
