package io.inferlens.stats;

import io.micrometer.observation.Observation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Reads Spring MVC's HTTP server observations. Kept apart from
 * {@link StatsObservationHandler}, which uses it only when Spring Web and the Servlet API
 * are present.
 *
 * @author Inferlens
 */
final class ServerRequests {

    private static final String UNMATCHED = "unmatched";

    private ServerRequests() {
    }

    static boolean isServerRequest(Observation.Context context) {
        return context instanceof ServerRequestObservationContext;
    }

    /**
     * The operation name of a request: its method and route.
     * @param context the request's context
     * @return the name, such as {@code http GET /models/{id}}
     */
    static String operation(Observation.Context context) {
        ServerRequestObservationContext request = (ServerRequestObservationContext) context;
        HttpServletRequest carrier = request.getCarrier();
        String pattern = request.getPathPattern();
        return "http " + carrier.getMethod() + " " + ((pattern != null) ? pattern : UNMATCHED);
    }

    /**
     * Whether a request failed: it ended with an exception or a server error status.
     * @param context the request's context
     * @return whether it failed
     */
    static boolean failed(Observation.Context context) {
        if (context.getError() != null) {
            return true;
        }
        HttpServletResponse response = ((ServerRequestObservationContext) context).getResponse();
        return response != null && response.getStatus() >= 500;
    }

}
