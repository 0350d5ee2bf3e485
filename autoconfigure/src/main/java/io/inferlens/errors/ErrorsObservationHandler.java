package io.inferlens.errors;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.InstrumentedOperation;
import io.inferlens.observation.TraceContextResolver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Captures the failure of every {@link InstrumentedOperation} (a {@code @Traced},
 * inference or routing observation) with an {@link ErrorTracker}, which counts it in
 * {@code inferlens.errors}, logs it and stores it, once: an exception that fails several
 * nested operations is captured by the innermost, in its span's trace.
 * <p>
 * Capturing never breaks the call observed: should it fail, the failure is logged once at
 * WARN, then at DEBUG, and swallowed.
 *
 * @author Inferlens
 */
public class ErrorsObservationHandler implements ObservationHandler<Observation.Context> {

    private static final Log logger = LogFactory.getLog(ErrorsObservationHandler.class);

    private final ErrorTracker tracker;

    private final TraceContextResolver traceContext;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s the error of an instrumented operation; the operation itself is unaffected");

    /**
     * Create a handler.
     * @param tracker the tracker that captures errors
     * @param traceContext what finds an observation's trace and span
     */
    public ErrorsObservationHandler(ErrorTracker tracker, TraceContextResolver traceContext) {
        this.tracker = tracker;
        this.traceContext = traceContext;
    }

    @Override
    public void onStop(Observation.Context context) {
        Throwable error = context.getError();
        // An ObservationFilter may hand onStop a context of another type than the one
        // supportsContext accepted.
        if (error == null || !(context instanceof InstrumentedOperation operation)) {
            return;
        }
        try {
            ErrorContext errorContext = ErrorContext.of(operation.getOperationName());
            TraceContextResolver.TraceIds ids = TraceContextResolver.find(this.traceContext, context, this.failures);
            if (ids != null) {
                errorContext = errorContext.withTrace(ids.traceId(), ids.spanId());
            }
            this.tracker.captureException(error, errorContext);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("capture", ex);
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InstrumentedOperation;
    }

}
