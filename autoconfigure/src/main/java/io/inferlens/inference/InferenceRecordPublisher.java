package io.inferlens.inference;

import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

import io.inferlens.observation.ErrorTypes;
import io.inferlens.observation.FailureLog;
import io.inferlens.observation.TraceContextResolver;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Turns each model call that ends into one {@link InferenceRecord}, priced with the
 * {@link PriceTable}, and hands it to every {@link InferenceRecordListener}. As an
 * {@link ObservationHandler} it records the calls observed by Inferlens
 * ({@code @TracedInference}, the {@link InferenceRecorder}); integrations of other
 * libraries call {@link #publish} with records of their own. A listener that throws is
 * logged once at WARN (then at DEBUG) and skipped; the call is unaffected.
 *
 * @author Inferlens
 */
public class InferenceRecordPublisher implements ObservationHandler<InferenceObservationContext> {

    private static final Log logger = LogFactory.getLog(InferenceRecordPublisher.class);

    private final PriceTable prices;

    private final TraceContextResolver traceContext;

    private final Supplier<List<InferenceRecordListener>> listeners;

    private final Clock clock;

    private final FailureLog failures = new FailureLog(logger,
            "Failed to %s a model call's record; the call itself is unaffected");

    private volatile InferenceRecordListener @Nullable [] resolved;

    /**
     * Create a publisher.
     * @param prices the prices of models
     * @param traceContext what finds a call's trace and span
     * @param listeners the listeners, asked for once, when the first record is published
     */
    public InferenceRecordPublisher(PriceTable prices, TraceContextResolver traceContext,
            Supplier<List<InferenceRecordListener>> listeners) {
        this(prices, traceContext, listeners, Clock.systemUTC());
    }

    InferenceRecordPublisher(PriceTable prices, TraceContextResolver traceContext,
            Supplier<List<InferenceRecordListener>> listeners, Clock clock) {
        this.prices = prices;
        this.traceContext = traceContext;
        this.listeners = listeners;
        this.clock = clock;
    }

    @Override
    public void onStart(InferenceObservationContext context) {
        if (context.getSource() == InferenceRecord.Source.LANGCHAIN4J
                || context.getSource() == InferenceRecord.Source.SPRING_AI) {
            try {
                InferenceObservationContext.delegateEnclosing(context, context.getOperationName());
            }
            catch (RuntimeException ex) {
                this.failures.log("find the enclosing call of", ex);
            }
        }
    }

    @Override
    public void onStop(InferenceObservationContext context) {
        if (context.isDelegated()) {
            return;
        }
        InferenceRecord record;
        try {
            record = record(context);
        }
        catch (RuntimeException | LinkageError ex) {
            this.failures.log("build", ex);
            return;
        }
        publish(record);
    }

    /**
     * Hand a record to every listener.
     * @param record the record
     */
    public void publish(InferenceRecord record) {
        InferenceRecordListener[] listeners;
        try {
            listeners = listeners();
        }
        catch (RuntimeException | LinkageError ex) {
            // not cached: the next record asks again
            this.failures.log("find the listeners of", ex);
            return;
        }
        for (InferenceRecordListener listener : listeners) {
            try {
                listener.onInference(record);
            }
            catch (RuntimeException | LinkageError ex) {
                this.failures.log("hand " + listener.getClass().getName() + " (skipped)", ex);
            }
        }
    }

    private InferenceRecordListener[] listeners() {
        InferenceRecordListener[] listeners = this.resolved;
        if (listeners == null) {
            listeners = this.listeners.get().toArray(new InferenceRecordListener[0]);
            this.resolved = listeners;
        }
        return listeners;
    }

    /**
     * The record of a call that ends now.
     * @param context the call's context, its key-values computed
     * @return the record
     */
    InferenceRecord record(InferenceObservationContext context) {
        return record(context, context);
    }

    /**
     * The record of a model call observed by another observation, such as a model
     * library's own: the call's data is read from the given Inferlens context, its trace
     * from the observation that has its span.
     * @param context what the call did
     * @param traced the context of the observation that has the call's span
     * @return the record
     */
    public InferenceRecord record(InferenceObservationContext context, Observation.Context traced) {
        return record(context, traced, context.getElapsedNanos());
    }

    /**
     * The record of a model call observed by another observation, which ended some time
     * before the record is made.
     * @param context what the call did
     * @param traced the context of the observation that has the call's span
     * @param durationNanos how long the call took
     * @return the record
     */
    public InferenceRecord record(InferenceObservationContext context, Observation.Context traced, long durationNanos) {
        TokenUsage usage = context.getUsage();
        TraceContextResolver.TraceIds ids = TraceContextResolver.find(this.traceContext, traced, this.failures);
        return new InferenceRecord(this.clock.millis(), durationNanos, context.getOperationName(),
                context.getProvider(), context.getRequestModel(), usage,
                this.prices.cost(usage, usage.responseModel(), context.getRequestModel()),
                context.getTimeToFirstChunkNanos(), context.isStreaming(), context.isCancelled(),
                context.getConversationId(), context.getErrorType(), context.getSource(),
                withoutErrorType(context.getLowCardinalityKeyValues()), (ids != null) ? ids.traceId() : null,
                (ids != null) ? ids.spanId() : null, ids != null && ids.sampled());
    }

    private static KeyValues withoutErrorType(KeyValues keyValues) {
        for (KeyValue keyValue : keyValues) {
            if (keyValue.getKey().equals(ErrorTypes.KEY)) {
                return KeyValues.of(keyValues.stream().filter((kv) -> !kv.getKey().equals(ErrorTypes.KEY)).toList());
            }
        }
        return keyValues;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InferenceObservationContext;
    }

}
