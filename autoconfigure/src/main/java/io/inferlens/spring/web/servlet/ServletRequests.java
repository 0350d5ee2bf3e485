package io.inferlens.spring.web.servlet;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * What Inferlens' servlet components read of a request alike: its route and the exception
 * that failed it.
 *
 * @author Inferlens
 */
final class ServletRequests {

    /**
     * {@code HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE}, spelled out: the constant
     * is not a compile-time one, and reading it would load Spring MVC, which a servlet
     * application (Jersey, plain servlets) may not have.
     */
    static final String BEST_MATCHING_PATTERN_ATTRIBUTE = "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern";

    private ServletRequests() {
    }

    /**
     * The route template that handled a request: the path pattern of its HTTP server
     * observation, else Spring MVC's best matching pattern.
     * @param request the request
     * @return the route, or {@code null} if no handler matched
     */
    static @Nullable String route(HttpServletRequest request) {
        ServerRequestObservationContext observation = ServerHttpObservationFilter.findObservationContext(request)
            .orElse(null);
        String route = (observation != null) ? observation.getPathPattern() : null;
        if (route == null && request.getAttribute(BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
            route = pattern;
        }
        return route;
    }

    /**
     * The exception a request failed with, without the {@link ServletException}s that
     * wrap it on its way out of the dispatcher.
     * @param error the exception that propagated
     * @return its cause
     */
    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof ServletException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

}
