package io.inferlens.observation;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * Finds the trace and span an error happened in: those of an observation, or the current
 * ones. The default reads the MDC keys {@code traceId} and {@code spanId} that Micrometer
 * Tracing sets; {@link TracerTraceContextResolver} asks the tracer.
 *
 * @author Inferlens
 */
public interface TraceContextResolver {

    /**
     * Reads the MDC keys {@code traceId} and {@code spanId}.
     */
    TraceContextResolver MDC_KEYS = () -> {
        String traceId = MDC.get("traceId");
        return (traceId != null && !traceId.isEmpty()) ? new TraceIds(traceId, MDC.get("spanId")) : null;
    };

    /**
     * The current trace and span.
     * @return their ids, or {@code null} if there is no current trace
     */
    @Nullable TraceIds current();

    /**
     * The trace and span of an observation, by default the current ones.
     * @param context the observation's context
     * @return their ids, or {@code null} if there is no trace
     */
    default @Nullable TraceIds of(Observation.Context context) {
        return current();
    }

    /**
     * The trace and span of an observation, a resolver that throws taken to find none and
     * its failure logged.
     * @param resolver the resolver
     * @param context the observation's context
     * @param failures where the failure is logged
     * @return the ids, or {@code null}
     */
    static @Nullable TraceIds find(TraceContextResolver resolver, Observation.Context context, FailureLog failures) {
        try {
            return resolver.of(context);
        }
        catch (RuntimeException ex) {
            failures.log("find the trace of", ex);
            return null;
        }
    }

    /**
     * Ids of a trace and a span.
     *
     * @param traceId the trace id
     * @param spanId the span id, or {@code null}
     * @param sampled whether the span is sampled: recorded and exported
     */
    record TraceIds(String traceId, @Nullable String spanId, boolean sampled) {

        /**
         * Ids of a sampled span.
         * @param traceId the trace id
         * @param spanId the span id, or {@code null}
         */
        public TraceIds(String traceId, @Nullable String spanId) {
            this(traceId, spanId, true);
        }

    }

}
