package io.inferlens.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * {@link MeterFilter} that caps the number of distinct values of the tags whose values
 * come from callers (model, provider, target, experiment, variant, ...) on Inferlens'
 * meters, those named {@code inferlens.*} or {@code gen_ai.*}. For each meter name and
 * limited tag key, the first values seen are kept as they are; any later new value is
 * replaced by {@value #OTHER}, and the first time that happens for a meter name one
 * warning is logged. A value once kept is always kept, so a value's series never moves
 * between its own name and {@value #OTHER}. This keeps a caller sending arbitrary model
 * names from growing the number of series without bound.
 * <p>
 * Thread-safe: concurrent registrations never keep more values than the limit. A value
 * already kept costs one concurrent set lookup.
 *
 * @author Inferlens
 */
public final class TagValueLimitMeterFilter implements MeterFilter {

    /**
     * Value that replaces the values of a tag past the limit.
     */
    public static final String OTHER = "other";

    /**
     * Default maximum number of distinct values per meter name and tag key.
     */
    public static final int DEFAULT_MAX_TAG_VALUES = 100;

    /**
     * Tag keys limited by default: those whose values come from callers.
     */
    public static final Set<String> DEFAULT_LIMITED_TAG_KEYS = Set.of("gen_ai.request.model", "gen_ai.response.model",
            "gen_ai.provider.name", "model", "provider", "target", "experiment", "variant", "model_type", "name",
            "stage", "gen_ai.tool.name", "spring.ai.tool.definition.name");

    private static final String[] METER_NAME_PREFIXES = { "inferlens.", "gen_ai.", "spring.ai." };

    private static final String PROPERTY = "inferlens.metrics.max-tag-values";

    private static final Log logger = LogFactory.getLog(TagValueLimitMeterFilter.class);

    private final int maxTagValues;

    /**
     * Index of each limited tag key in {@link MeterTagValues#byKey}, so that looking up
     * whether a key is limited also finds where its values are kept.
     */
    private final Map<String, Integer> limitedTagKeys;

    private final Map<String, MeterTagValues> meters = new ConcurrentHashMap<>();

    /**
     * Create a filter that keeps {@value #DEFAULT_MAX_TAG_VALUES} values of each of the
     * {@link #DEFAULT_LIMITED_TAG_KEYS default tag keys}.
     */
    public TagValueLimitMeterFilter() {
        this(DEFAULT_MAX_TAG_VALUES);
    }

    /**
     * Create a filter that keeps the given number of values of each of the
     * {@link #DEFAULT_LIMITED_TAG_KEYS default tag keys}.
     * @param maxTagValues the maximum number of distinct values per meter name and tag
     * key, at least 1
     */
    public TagValueLimitMeterFilter(int maxTagValues) {
        this(maxTagValues, DEFAULT_LIMITED_TAG_KEYS);
    }

    /**
     * Create a filter that keeps the given number of values of each of the given tag
     * keys.
     * @param maxTagValues the maximum number of distinct values per meter name and tag
     * key, at least 1
     * @param limitedTagKeys the keys of the tags whose values are limited
     */
    public TagValueLimitMeterFilter(int maxTagValues, Set<String> limitedTagKeys) {
        if (maxTagValues < 1) {
            throw new IllegalArgumentException("maxTagValues must be at least 1, but was " + maxTagValues);
        }
        this.maxTagValues = maxTagValues;
        Map<String, Integer> keys = new HashMap<>();
        for (String key : limitedTagKeys) {
            keys.putIfAbsent(key, keys.size());
        }
        this.limitedTagKeys = Map.copyOf(keys);
    }

    /**
     * Maximum number of distinct values kept per meter name and tag key.
     * @return the limit
     */
    public int getMaxTagValues() {
        return this.maxTagValues;
    }

    /**
     * Keys of the tags whose values are limited.
     * @return the tag keys
     */
    public Set<String> getLimitedTagKeys() {
        return this.limitedTagKeys.keySet();
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (!isLimited(name)) {
            return id;
        }
        MeterTagValues meter = null;
        List<Tag> tags = null;
        int index = 0;
        for (Tag tag : id.getTagsAsIterable()) {
            Integer keyIndex = this.limitedTagKeys.get(tag.getKey());
            if (keyIndex != null) {
                if (meter == null) {
                    meter = this.meters.computeIfAbsent(name, (key) -> new MeterTagValues(this.limitedTagKeys.size()));
                }
                if (!meter.admits(keyIndex, tag.getValue(), this.maxTagValues)) {
                    if (tags == null) {
                        tags = new ArrayList<>(id.getTags());
                    }
                    tags.set(index, Tag.of(tag.getKey(), OTHER));
                    if (meter.warned.compareAndSet(false, true)) {
                        logger.warn("Meter '" + name + "' reached the limit of " + this.maxTagValues
                                + " distinct values of tag '" + tag.getKey() + "'; further values are recorded as '"
                                + OTHER + "'. Set " + PROPERTY + " to raise the limit.");
                    }
                }
            }
            index++;
        }
        return (tags != null) ? id.replaceTags(tags) : id;
    }

    private static boolean isLimited(String name) {
        for (String prefix : METER_NAME_PREFIXES) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The values kept for one meter name, by tag key.
     */
    private static final class MeterTagValues {

        private final TagValues[] byKey;

        private final AtomicBoolean warned = new AtomicBoolean();

        MeterTagValues(int keys) {
            this.byKey = new TagValues[keys];
            for (int i = 0; i < keys; i++) {
                this.byKey[i] = new TagValues();
            }
        }

        boolean admits(int keyIndex, String value, int maxTagValues) {
            return OTHER.equals(value) || this.byKey[keyIndex].admits(value, maxTagValues);
        }

    }

    /**
     * The values kept for one meter name and tag key. Read without locking; a new value
     * is decided on under the lock, so that no more than the limit are kept and a value
     * refused is never kept later.
     */
    private static final class TagValues {

        private final Set<String> admitted = ConcurrentHashMap.newKeySet();

        private volatile boolean full;

        boolean admits(String value, int maxTagValues) {
            if (this.admitted.contains(value)) {
                return true;
            }
            if (this.full) {
                return false;
            }
            synchronized (this) {
                if (this.admitted.contains(value)) {
                    return true;
                }
                if (this.full) {
                    return false;
                }
                this.admitted.add(value);
                if (this.admitted.size() >= maxTagValues) {
                    this.full = true;
                }
                return true;
            }
        }

    }

}
