package io.inferlens.errors;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts every failure of an {@link InstrumentedOperation} in {@code inferlens.errors}
 * (Prometheus {@code inferlens_errors_total}), tagged with {@code error_type}, from an
 * {@link ErrorClassifier}, and {@code operation}. An observation is counted once, when it
 * stops with an error.
 * <p>
 * Counting never breaks the call observed: should it fail (a classifier that throws, a
 * registry that refuses the counter), the failure is logged once at WARN, then at DEBUG,
 * and swallowed.
 *
 * @author Inferlens
 */
public class ErrorsObservationHandler implements ObservationHandler<Observation.Context> {

    /**
     * Name of the counter.
     */
    public static final String METER_NAME = "inferlens.errors";

    static final int MAX_CACHED_COUNTERS = 4096;

    private static final Log logger = LogFactory.getLog(ErrorsObservationHandler.class);

    private final MeterRegistry registry;

    private final ErrorClassifier classifier;

    private final Map<CounterKey, Counter> counters = new ConcurrentHashMap<>();

    private final AtomicBoolean failureLogged = new AtomicBoolean();

    /**
     * Create a handler.
     * @param registry the registry of the counter
     * @param classifier the classifier of errors
     */
    public ErrorsObservationHandler(MeterRegistry registry, ErrorClassifier classifier) {
        this.registry = registry;
        this.classifier = classifier;
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
            counter(operation.getOperationName(), errorType(error)).increment();
        }
        catch (RuntimeException ex) {
            failed("Failed to count an error of an instrumented operation; the operation itself is unaffected", ex);
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InstrumentedOperation;
    }

    private String errorType(Throwable error) {
        try {
            String type = this.classifier.classify(error);
            if (type != null && !type.isBlank()) {
                return type;
            }
        }
        catch (RuntimeException | LinkageError ex) {
            failed("ErrorClassifier " + this.classifier.getClass().getName()
                    + " failed; the exception's class name is used", ex);
        }
        return ErrorClassifier.simpleClassName(error);
    }

    private void failed(String message, Throwable ex) {
        if (this.failureLogged.compareAndSet(false, true)) {
            logger.warn(message + " (further failures are logged at DEBUG)", ex);
        }
        else if (logger.isDebugEnabled()) {
            logger.debug(message, ex);
        }
    }

    private Counter counter(String operation, String errorType) {
        CounterKey key = new CounterKey(operation, errorType);
        Counter counter = this.counters.get(key);
        if (counter == null) {
            counter = Counter.builder(METER_NAME)
                .description("Errors seen by Inferlens' instrumentation, by type and operation")
                .tag("error_type", errorType)
                .tag("operation", operation)
                .register(this.registry);
            if (this.counters.size() < MAX_CACHED_COUNTERS) {
                this.counters.putIfAbsent(key, counter);
            }
        }
        return counter;
    }

    private record CounterKey(String operation, String errorType) {

    }

}
