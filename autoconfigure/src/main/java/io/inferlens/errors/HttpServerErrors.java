package io.inferlens.errors;

import org.jspecify.annotations.Nullable;

/**
 * The error context of a request the application served and failed, the same whichever
 * web stack and whichever Inferlens component captured it: operation {@value #OPERATION},
 * with the request's route and response status as attributes.
 *
 * @author Inferlens
 */
public final class HttpServerErrors {

    /**
     * Operation of errors of HTTP requests, the name of Spring's HTTP server
     * observations.
     */
    public static final String OPERATION = "http.server.requests";

    /**
     * Attribute of the route template that handled the request.
     */
    public static final String ROUTE = "http.route";

    /**
     * Attribute of the response status.
     */
    public static final String STATUS = "http.response.status_code";

    private HttpServerErrors() {
    }

    /**
     * The context of an error of a request.
     * @param route the route template that handled it, or {@code null} if none matched
     * @param status the status it was answered with
     * @return the context
     */
    public static ErrorContext context(@Nullable String route, int status) {
        ErrorContext context = ErrorContext.of(OPERATION);
        if (route != null) {
            context = context.with(ROUTE, route);
        }
        return context.with(STATUS, Integer.toString(status));
    }

}
