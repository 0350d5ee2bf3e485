package io.inferlens.web;

import java.util.List;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * Skips the observation of HTTP server requests to some paths, so that tools polling the
 * application, such as the dashboard reading the {@code inferlens} endpoint every few
 * seconds, do not show up in its traces, statistics and request metrics.
 *
 * @author Inferlens
 */
public class PathObservationPredicate implements ObservationPredicate {

    private final List<String> paths;

    /**
     * Create a predicate.
     * @param paths the paths within the application whose requests, and requests under
     * them, are not observed, such as {@code /actuator/inferlens}
     */
    public PathObservationPredicate(List<String> paths) {
        this.paths = paths.stream().map(PathObservationPredicate::trimTrailingSlash).toList();
    }

    @Override
    public boolean test(String name, Observation.Context context) {
        if (!(context instanceof ServerRequestObservationContext serverContext)) {
            return true;
        }
        try {
            HttpServletRequest request = serverContext.getCarrier();
            String uri = request.getRequestURI();
            String contextPath = request.getContextPath();
            String path = (uri != null && contextPath != null && uri.startsWith(contextPath))
                    ? uri.substring(contextPath.length()) : uri;
            return path == null || !matches(path);
        }
        catch (RuntimeException ex) {
            return true;
        }
    }

    private boolean matches(String path) {
        for (String prefix : this.paths) {
            if (path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/')) {
                return true;
            }
        }
        return false;
    }

    private static String trimTrailingSlash(String path) {
        return (path.length() > 1 && path.endsWith("/")) ? path.substring(0, path.length() - 1) : path;
    }

}
