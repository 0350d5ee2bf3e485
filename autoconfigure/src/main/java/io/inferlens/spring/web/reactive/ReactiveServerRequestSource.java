package io.inferlens.spring.web.reactive;

import io.inferlens.stats.ServerRequestSource;
import io.micrometer.observation.Observation;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * The {@link ServerRequestSource} of Spring WebFlux applications: the HTTP server
 * observations ({@code http.server.requests}) that Spring's {@code HttpWebHandlerAdapter}
 * makes of each exchange.
 * <p>
 * A request failed when it was answered with a server error, or ended with an exception
 * other than one answered with a client error: Spring records every exception its
 * exception handlers answered as the observation's error, a 404 included, which is the
 * client's mistake rather than the application's failure. A request whose client went
 * away did not fail.
 *
 * @author Inferlens
 */
public final class ReactiveServerRequestSource implements ServerRequestSource {

    private static final String UNMATCHED = "unmatched";

    @Override
    public boolean isServerRequest(Observation.Context context) {
        return context instanceof ServerRequestObservationContext;
    }

    @Override
    public String operation(Observation.Context context) {
        ServerRequestObservationContext request = (ServerRequestObservationContext) context;
        String pattern = request.getPathPattern();
        return "http " + request.getCarrier().getMethod().name() + " " + ((pattern != null) ? pattern : UNMATCHED);
    }

    @Override
    public boolean failed(Observation.Context context) {
        ServerRequestObservationContext request = (ServerRequestObservationContext) context;
        if (request.isConnectionAborted()) {
            return false;
        }
        ServerHttpResponse response = request.getResponse();
        HttpStatusCode status = (response != null) ? response.getStatusCode() : null;
        if (status != null && status.is5xxServerError()) {
            return true;
        }
        return context.getError() != null && (status == null || !status.is4xxClientError());
    }

}
