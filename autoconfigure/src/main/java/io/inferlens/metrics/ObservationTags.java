package io.inferlens.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;

/**
 * The tags of a meter recorded from an observation: its low-cardinality key-values, as
 * its convention made them, so that a convention changes spans and series alike (as
 * Spring AI's meter handlers do). Every documented key is a tag of every series, with an
 * empty value when the convention left it out (no error, an unknown model): Prometheus
 * requires all series of a meter to have the same tag keys, and treats an empty value as
 * absent.
 *
 * @author Inferlens
 */
public final class ObservationTags {

    private ObservationTags() {
    }

    /**
     * The tags of a meter.
     * @param keyValues the observation's low-cardinality key-values
     * @param documented the documented low-cardinality keys, each a tag
     * @return the tags
     */
    public static Tags of(KeyValues keyValues, KeyName[] documented) {
        return of(keyValues, documented, Set.of());
    }

    /**
     * The tags of a meter that leaves out some keys, such as {@code error.type} on a
     * meter that only successful calls record.
     * @param keyValues the observation's low-cardinality key-values
     * @param documented the documented low-cardinality keys, each a tag unless excluded
     * @param excluded the keys left out
     * @return the tags
     */
    public static Tags of(KeyValues keyValues, KeyName[] documented, Set<String> excluded) {
        List<Tag> tags = new ArrayList<>(documented.length + 4);
        for (KeyValue keyValue : keyValues) {
            if (!excluded.contains(keyValue.getKey())) {
                tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
            }
        }
        Tags result = Tags.of(tags);
        for (KeyName key : documented) {
            String name = key.asString();
            if (!excluded.contains(name) && !has(keyValues, name)) {
                result = result.and(name, "");
            }
        }
        return result;
    }

    private static boolean has(KeyValues keyValues, String key) {
        for (KeyValue keyValue : keyValues) {
            if (keyValue.getKey().equals(key)) {
                return true;
            }
        }
        return false;
    }

}
