package io.inferlens.stats;

import io.inferlens.observation.FailureLog;
import io.inferlens.observation.InstrumentedOperation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Feeds {@link RequestStatistics} from observations: the requests the application serves,
 * as a {@link ServerRequestSource} recognizes them, and every operation Inferlens
 * instruments (an {@link InstrumentedOperation}: {@code @Traced} methods, model calls,
 * routing stages). Measures each duration itself, from start to stop, so that it depends
 * on no other handler. Models, tokens and cost come to the statistics from each call's
 * {@link io.inferlens.inference.InferenceRecord}, not from here.
 * <p>
 * Recording never breaks the call observed: should it fail, the failure is logged once at
 * WARN, then at DEBUG, and swallowed.
 *
 * @author Inferlens
 */
public class StatsObservationHandler implements ObservationHandler<Observation.Context> {

    private static final Log logger = LogFactory.getLog(StatsObservationHandler.class);

    private static final Object START_NANOS = StatsObservationHandler.class.getName() + ".startNanos";

    private final RequestStatistics statistics;

    private final ServerRequestSource serverRequests;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s request statistics; the observed call itself is unaffected");

    /**
     * Create a handler that counts only the operations Inferlens instruments.
     * @param statistics the statistics to feed
     */
    public StatsObservationHandler(RequestStatistics statistics) {
        this(statistics, ServerRequestSource.NONE);
    }

    /**
     * Create a handler that also counts the requests the application serves.
     * @param statistics the statistics to feed
     * @param serverRequests what recognizes the observations of served requests
     */
    public StatsObservationHandler(RequestStatistics statistics, ServerRequestSource serverRequests) {
        this.statistics = statistics;
        this.serverRequests = serverRequests;
    }

    @Override
    public void onStart(Observation.Context context) {
        try {
            context.put(START_NANOS, System.nanoTime());
        }
        catch (RuntimeException ex) {
            this.failures.log("start", ex);
        }
    }

    @Override
    public void onStop(Observation.Context context) {
        try {
            Long start = context.get(START_NANOS);
            if (start == null) {
                return;
            }
            long duration = System.nanoTime() - start;
            // An ObservationFilter may hand onStop a context of another type than the one
            // supportsContext accepted.
            if (context instanceof InstrumentedOperation operation) {
                recordOperation(context, operation, duration);
            }
            else if (isServerRequest(context)) {
                this.statistics.recordHttpRequest(this.serverRequests.operation(context), duration,
                        this.serverRequests.failed(context));
            }
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("record", ex);
        }
    }

    private void recordOperation(Observation.Context context, InstrumentedOperation operation, long duration) {
        boolean error = context.getError() != null;
        this.statistics.recordOperation(operation.getOperationName(), duration, error, isTopLevel(context));
    }

    /**
     * Whether no ancestor of an observation is itself recorded, so that the observation
     * counts as a request in a summary of an application without HTTP server requests.
     */
    private boolean isTopLevel(Observation.Context context) {
        ObservationView parent = context.getParentObservation();
        while (parent != null) {
            Observation.ContextView parentContext = parent.getContextView();
            if (parentContext instanceof InstrumentedOperation
                    || (parentContext instanceof Observation.Context c && isServerRequest(c))) {
                return false;
            }
            parent = parentContext.getParentObservation();
        }
        return true;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InstrumentedOperation || isServerRequest(context);
    }

    private boolean isServerRequest(Observation.Context context) {
        return this.serverRequests.isServerRequest(context);
    }

}
