package io.inferlens.metrics;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * Meters of one family, registered on first use and cached by key, so that the hot path
 * looks up no meter in the registry. Past a maximum number of keys, meters are registered
 * (that is, looked up) on each use instead of cached, so that unbounded tag values cannot
 * grow the cache; the registry's own filters cap the series.
 *
 * @param <K> the type of key
 * @param <M> the type of meter
 * @author Inferlens
 */
public final class MeterCache<K, M> {

    /**
     * Keys cached by default.
     */
    public static final int DEFAULT_MAX_KEYS = 4096;

    private final Map<K, M> meters = new ConcurrentHashMap<>();

    private final Function<K, M> factory;

    private final int maxKeys;

    /**
     * Create a cache of at most {@value #DEFAULT_MAX_KEYS} keys.
     * @param factory registers the meter of a key
     */
    public MeterCache(Function<K, M> factory) {
        this(factory, DEFAULT_MAX_KEYS);
    }

    /**
     * Create a cache.
     * @param factory registers the meter of a key
     * @param maxKeys the most keys cached
     */
    public MeterCache(Function<K, M> factory, int maxKeys) {
        this.factory = factory;
        this.maxKeys = maxKeys;
    }

    /**
     * The meter of a key.
     * @param key the key
     * @return its meter
     */
    public M get(K key) {
        @Nullable M meter = this.meters.get(key);
        if (meter == null) {
            meter = this.factory.apply(key);
            if (this.meters.size() < this.maxKeys) {
                M previous = this.meters.putIfAbsent(key, meter);
                if (previous != null) {
                    meter = previous;
                }
            }
        }
        return meter;
    }

    /**
     * The number of keys cached.
     * @return the number
     */
    public int size() {
        return this.meters.size();
    }

}
