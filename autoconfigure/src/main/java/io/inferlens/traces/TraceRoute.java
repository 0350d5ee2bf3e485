package io.inferlens.traces;

import io.inferlens.annotation.SpanKind;
import org.jspecify.annotations.Nullable;

/**
 * Finds what a trace served, for its summary: by default the HTTP route of its spans
 * ({@code http.route}, or the {@code uri} key that Spring's HTTP server observations put
 * on server spans). Kept out of the store, which knows no semantic conventions.
 *
 * @author Inferlens
 */
@FunctionalInterface
public interface TraceRoute {

    /**
     * The HTTP route of a span, from OpenTelemetry's {@code http.route} or, on a server
     * span, Spring's {@code uri}.
     */
    TraceRoute HTTP = (span) -> {
        if (span.attributes().get("http.route") instanceof String route) {
            return route;
        }
        if (span.kind() == SpanKind.SERVER && span.attributes().get("uri") instanceof String uri) {
            return uri;
        }
        return null;
    };

    /**
     * The route a span says its trace served.
     * @param span a span of the trace
     * @return the route, or {@code null} if the span does not say
     */
    @Nullable String of(StoredSpan span);

}
