package io.inferlens.stats;

import io.micrometer.observation.Observation;

/**
 * Recognizes the observations of the requests an application serves, such as Spring MVC's
 * HTTP server observations, so that {@link StatsObservationHandler} counts them as
 * requests. One implementation per web stack; the core knows none of them.
 *
 * @author Inferlens
 */
public interface ServerRequestSource {

    /**
     * A source that recognizes no observation.
     */
    ServerRequestSource NONE = new ServerRequestSource() {

        @Override
        public boolean isServerRequest(Observation.Context context) {
            return false;
        }

        @Override
        public String operation(Observation.Context context) {
            throw new IllegalStateException("Not a server request");
        }

        @Override
        public boolean failed(Observation.Context context) {
            return context.getError() != null;
        }

    };

    /**
     * Whether the observation is of a request served by the application.
     * @param context the observation's context
     * @return whether it is a server request
     */
    boolean isServerRequest(Observation.Context context);

    /**
     * The operation name of a request, low in cardinality: its method and route.
     * @param context the context of a server request
     * @return the name, such as {@code http GET /models/{id}}
     */
    String operation(Observation.Context context);

    /**
     * Whether a request failed: it ended with an exception or a server error status.
     * @param context the context of a server request
     * @return whether it failed
     */
    boolean failed(Observation.Context context);

}
