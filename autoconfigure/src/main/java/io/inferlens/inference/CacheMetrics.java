package io.inferlens.inference;

/**
 * Counts lookups of a response cache in front of a model. Kept apart from
 * {@link InferenceRecorder} so that the recorder works without Micrometer's meter
 * registry.
 *
 * @author Inferlens
 * @see MeterRegistryCacheMetrics
 */
public interface CacheMetrics {

    /**
     * Counts nothing.
     */
    CacheMetrics NONE = (hit) -> {
    };

    /**
     * Count one lookup.
     * @param hit whether the cache had the response
     */
    void record(boolean hit);

}
