package io.inferlens.spring.web.reactive;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.core.annotation.MergedAnnotations.SearchStrategy;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.DisconnectedClientHelper;
import org.springframework.web.util.pattern.PathPattern;

/**
 * What Inferlens' WebFlux components read of an exchange alike: its server observation,
 * its route, and the status an exception that ends it is answered with.
 *
 * @author Inferlens
 */
final class ReactiveRequests {

    /**
     * {@code ObservationThreadLocalAccessor.KEY}: the current observation's key in the
     * Reactor context.
     */
    private static final String OBSERVATION_CONTEXT_KEY = "micrometer.observation";

    private ReactiveRequests() {
    }

    /**
     * The context of the exchange's HTTP server observation, made by Spring's
     * {@code HttpWebHandlerAdapter}.
     * @param exchange the exchange
     * @return the context, or {@code null} if the exchange is not observed
     */
    static @Nullable ServerRequestObservationContext observation(ServerWebExchange exchange) {
        return ServerRequestObservationContext.findCurrent(exchange.getAttributes()).orElse(null);
    }

    /**
     * The context of the observation in a Reactor context, for an exchange observed
     * otherwise than by Spring's adapter.
     */
    static Observation.@Nullable Context observation(ContextView context) {
        Object observation = context.getOrDefault(OBSERVATION_CONTEXT_KEY, null);
        return (observation instanceof Observation current && !current.isNoop()) ? current.getContext() : null;
    }

    /**
     * The route template that handled an exchange: the path pattern of its HTTP server
     * observation, else the best matching pattern of WebFlux's handler mappings.
     * @param exchange the exchange
     * @return the route, or {@code null} if no handler matched
     */
    static @Nullable String route(ServerWebExchange exchange) {
        ServerRequestObservationContext observation = observation(exchange);
        String route = (observation != null) ? observation.getPathPattern() : null;
        if (route == null && exchange
            .getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof PathPattern pattern) {
            route = pattern.getPatternString();
        }
        return route;
    }

    /**
     * The status of the response of an exchange that ended with an exception: the
     * committed one if the response was already on its way, else the one Spring's and
     * Boot's exception handlers answer it with: the status of an {@link ErrorResponse}
     * (such as a {@code ResponseStatusException}), of a {@link ResponseStatus}
     * annotation, or 500.
     * @param response the response
     * @param error the exception
     * @return the status
     */
    static int status(ServerHttpResponse response, Throwable error) {
        if (response.isCommitted()) {
            return status(response);
        }
        if (error instanceof ErrorResponse errorResponse) {
            return errorResponse.getStatusCode().value();
        }
        MergedAnnotation<ResponseStatus> annotation = MergedAnnotations
            .from(error.getClass(), SearchStrategy.TYPE_HIERARCHY)
            .get(ResponseStatus.class);
        if (annotation.isPresent()) {
            return annotation.getValue("code", HttpStatus.class).orElse(HttpStatus.INTERNAL_SERVER_ERROR).value();
        }
        return HttpStatus.INTERNAL_SERVER_ERROR.value();
    }

    /**
     * The status of a response, 200 when none was set.
     */
    static int status(ServerHttpResponse response) {
        HttpStatusCode status = response.getStatusCode();
        return (status != null) ? status.value() : HttpStatus.OK.value();
    }

    /**
     * Whether an exception only says that the client went away.
     */
    static boolean isClientDisconnected(Throwable error) {
        return DisconnectedClientHelper.isClientDisconnectedException(error);
    }

}
