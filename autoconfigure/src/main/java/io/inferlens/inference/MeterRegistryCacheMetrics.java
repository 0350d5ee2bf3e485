package io.inferlens.inference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@link CacheMetrics} as the counter {@code inferlens.inference.cache} (Prometheus
 * {@code inferlens_inference_cache_total}), tagged {@code result=hit|miss}.
 *
 * @author Inferlens
 */
public final class MeterRegistryCacheMetrics implements CacheMetrics {

    /**
     * Name of the counter.
     */
    public static final String NAME = "inferlens.inference.cache";

    private final Counter hits;

    private final Counter misses;

    /**
     * Create the counters in the given registry.
     * @param registry the registry
     */
    public MeterRegistryCacheMetrics(MeterRegistry registry) {
        this.hits = counter(registry, "hit");
        this.misses = counter(registry, "miss");
    }

    private static Counter counter(MeterRegistry registry, String result) {
        return Counter.builder(NAME)
            .description("Lookups of a response cache in front of a model, by result")
            .tag("result", result)
            .register(registry);
    }

    @Override
    public void record(boolean hit) {
        (hit ? this.hits : this.misses).increment();
    }

}
