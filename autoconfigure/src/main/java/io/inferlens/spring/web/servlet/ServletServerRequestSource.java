package io.inferlens.spring.web.servlet;

import io.inferlens.stats.ServerRequestSource;
import io.micrometer.observation.Observation;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.server.observation.ServerRequestObservationContext;

/**
 * The {@link ServerRequestSource} of servlet applications: Spring's HTTP server
 * observations ({@code http.server.requests}) of the servlet stack.
 *
 * @author Inferlens
 */
public final class ServletServerRequestSource implements ServerRequestSource {

    private static final String UNMATCHED = "unmatched";

    @Override
    public boolean isServerRequest(Observation.Context context) {
        return context instanceof ServerRequestObservationContext;
    }

    @Override
    public String operation(Observation.Context context) {
        ServerRequestObservationContext request = (ServerRequestObservationContext) context;
        HttpServletRequest carrier = request.getCarrier();
        String pattern = request.getPathPattern();
        return "http " + carrier.getMethod() + " " + ((pattern != null) ? pattern : UNMATCHED);
    }

    @Override
    public boolean failed(Observation.Context context) {
        if (context.getError() != null) {
            return true;
        }
        HttpServletResponse response = ((ServerRequestObservationContext) context).getResponse();
        return response != null && response.getStatus() >= 500;
    }

}
