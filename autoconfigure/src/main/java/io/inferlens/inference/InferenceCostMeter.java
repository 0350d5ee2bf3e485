package io.inferlens.inference;

import java.util.Set;

import io.inferlens.metrics.MeterCache;
import io.inferlens.metrics.ObservationTags;
import io.inferlens.observation.ErrorTypes;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Counts the cost of model calls, from their {@link InferenceRecord}s, in {@value #COST}
 * (Prometheus {@code inferlens_inference_cost_usd_total}), tagged with the call's
 * low-cardinality key-values but {@code error.type}: by default
 * {@code gen_ai.operation.name}, {@code gen_ai.provider.name},
 * {@code gen_ai.request.model} and {@code gen_ai.response.model}, the tags of the token
 * series it joins. Calls of models without a price count nothing.
 * <p>
 * A streamed call its caller cancelled (a client that went away) before the stream's last
 * chunk, which carries the provider's usage, has no usage: it adds no cost, and is
 * counted in {@value #CANCELLED} (Prometheus
 * {@code inferlens_inference_cancelled_total}), with the same tags, so that the calls the
 * cost counter misses are known.
 *
 * @author Inferlens
 */
public class InferenceCostMeter implements InferenceRecordListener {

    /**
     * Name of the cost counter.
     */
    public static final String COST = "inferlens.inference.cost";

    /**
     * Name of the counter of cancelled calls.
     */
    public static final String CANCELLED = "inferlens.inference.cancelled";

    private static final Set<String> ERROR_TYPE = Set.of(ErrorTypes.KEY);

    private final MeterCache<KeyValues, Counter> counters;

    private final MeterCache<KeyValues, Counter> cancelled;

    /**
     * Create a meter that registers its counters in the given registry.
     * @param registry the registry
     */
    public InferenceCostMeter(MeterRegistry registry) {
        this.counters = new MeterCache<>((keyValues) -> Counter.builder(COST)
            .description("Cost of generative AI model calls, from the configured price table")
            .baseUnit("usd")
            .tags(ObservationTags.of(keyValues, InferenceMeterObservationHandler.DOCUMENTED_KEYS, ERROR_TYPE))
            .register(registry));
        this.cancelled = new MeterCache<>((keyValues) -> Counter.builder(CANCELLED)
            .description("Generative AI model calls cancelled by their caller before their usage was known")
            .tags(ObservationTags.of(keyValues, InferenceMeterObservationHandler.DOCUMENTED_KEYS, ERROR_TYPE))
            .register(registry));
    }

    @Override
    public void onInference(InferenceRecord record) {
        if (record.hasCost()) {
            this.counters.get(record.keyValues()).increment(record.cost());
        }
        if (record.cancelled() && record.usage().inputTokens() < 0 && record.usage().outputTokens() < 0) {
            this.cancelled.get(record.keyValues()).increment();
        }
    }

}
