package io.inferlens.spring.web.reactive;

import java.util.List;

import io.inferlens.web.PathPrefixes;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Skips the HTTP server observation of Spring WebFlux requests to some paths, so that
 * tools polling the application, such as the dashboard reading the {@code inferlens}
 * endpoint every few seconds, do not show up in its traces, statistics and request
 * metrics.
 *
 * @author Inferlens
 */
public class ReactivePathObservationPredicate implements ObservationPredicate {

    private final PathPrefixes paths;

    /**
     * Create a predicate.
     * @param paths the paths within the application whose requests, and requests under
     * them, are not observed, such as {@code /actuator/inferlens}
     */
    public ReactivePathObservationPredicate(List<String> paths) {
        this.paths = new PathPrefixes(paths);
    }

    @Override
    public boolean test(String name, Observation.Context context) {
        try {
            if (context instanceof ServerRequestObservationContext serverContext) {
                return !this.paths.matches(serverContext.getCarrier().getPath().pathWithinApplication().value());
            }
            return true;
        }
        catch (RuntimeException ex) {
            return true;
        }
    }

}
