package io.inferlens.stats;

import io.inferlens.inference.InferenceObservationContext;
import io.inferlens.inference.PriceTable;
import io.inferlens.inference.TokenUsage;
import io.inferlens.observation.FailureLog;
import io.inferlens.observation.InstrumentedOperation;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Feeds {@link RequestStatistics} from observations: Spring MVC's HTTP server requests
 * (when Spring Web is present) and every operation Inferlens instruments (an
 * {@link InstrumentedOperation}: {@code @Traced} methods, model calls, routing stages),
 * and, for model calls, their model, tokens and cost. Measures each duration itself, from
 * start to stop, so that it depends on no other handler.
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

    private final PriceTable prices;

    private final ServerRequestSource serverRequests;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s request statistics; the observed call itself is unaffected");

    /**
     * Create a handler that records no cost.
     * @param statistics the statistics to feed
     */
    public StatsObservationHandler(RequestStatistics statistics) {
        this(statistics, null);
    }

    /**
     * Create a handler.
     * @param statistics the statistics to feed
     * @param prices the prices of models, from which the cost of model calls is computed,
     * or {@code null} to record no cost
     */
    public StatsObservationHandler(RequestStatistics statistics, @Nullable PriceTable prices) {
        this(statistics, prices, ServerRequestSource.NONE);
    }

    /**
     * Create a handler that also counts the requests the application serves.
     * @param statistics the statistics to feed
     * @param prices the prices of models, or {@code null} to record no cost
     * @param serverRequests what recognizes the observations of served requests
     */
    public StatsObservationHandler(RequestStatistics statistics, @Nullable PriceTable prices,
            ServerRequestSource serverRequests) {
        this.statistics = statistics;
        this.prices = (prices != null) ? prices : PriceTable.EMPTY;
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
        if (context instanceof InferenceObservationContext inference) {
            TokenUsage usage = inference.getUsage();
            String requestModel = inference.getRequestModel();
            this.statistics.recordModel((requestModel != null) ? requestModel : usage.responseModel(), duration, error,
                    usage.inputTokens(), usage.outputTokens(), cost(usage, requestModel));
        }
    }

    private double cost(TokenUsage usage, @Nullable String requestModel) {
        if (!usage.hasTokens() || this.prices.isEmpty()) {
            return 0;
        }
        PriceTable.Priced priced = this.prices.find(usage.responseModel(), requestModel);
        return (priced != null) ? priced.price().cost(usage) : 0;
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
