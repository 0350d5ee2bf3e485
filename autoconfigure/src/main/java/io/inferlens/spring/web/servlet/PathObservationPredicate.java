package io.inferlens.spring.web.servlet;

import java.util.List;

import io.inferlens.web.PathPrefixes;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Skips the observation of HTTP server requests to some paths, and the root observations
 * made while handling them, so that tools polling the application, such as the dashboard
 * reading the {@code inferlens} endpoint every few seconds, do not show up in its traces,
 * statistics and request metrics.
 *
 * @author Inferlens
 */
public class PathObservationPredicate implements ObservationPredicate {

    private final PathPrefixes paths;

    /**
     * Create a predicate.
     * @param paths the paths within the dispatcher servlet whose requests, and requests
     * under them, are not observed, such as {@code /actuator/inferlens}
     */
    public PathObservationPredicate(List<String> paths) {
        this.paths = new PathPrefixes(paths);
    }

    @Override
    public boolean test(String name, Observation.Context context) {
        try {
            if (context instanceof ServerRequestObservationContext serverContext) {
                return !matches(serverContext.getCarrier());
            }
            // Any other observation made while handling such a request, such as Spring
            // Security's filter chain observations: with the request's own observation
            // skipped, it would start a trace of its own.
            if (RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes attributes) {
                return !matches(attributes.getRequest());
            }
            return true;
        }
        catch (RuntimeException ex) {
            return true;
        }
    }

    private boolean matches(HttpServletRequest request) {
        String path = ServletPaths.pathWithinDispatcher(request);
        return path != null && this.paths.matches(path);
    }

}
