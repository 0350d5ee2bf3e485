package io.inferlens.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link InstrumentedContext}: its low-cardinality key-values are built once
 * per change and always reflect the last one.
 *
 * @author Inferlens
 */
class InstrumentedContextTests {

    private final InstrumentedContext context = new InstrumentedContext() {

        @Override
        public String getOperationName() {
            return "test";
        }

    };

    @Test
    void keyValuesAreBuiltOnceUntilTheyChange() {
        this.context.addLowCardinalityKeyValues(KeyValues.of("a", "1", "b", "2"));
        KeyValues first = this.context.getLowCardinalityKeyValues();
        assertThat(this.context.getLowCardinalityKeyValues()).isSameAs(first)
            .containsExactly(KeyValue.of("a", "1"), KeyValue.of("b", "2"));
    }

    @Test
    void everyChangeIsSeenByTheNextRead() {
        this.context.addLowCardinalityKeyValue(KeyValue.of("a", "1"));
        assertThat(this.context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("a", "1"));
        this.context.addLowCardinalityKeyValue(KeyValue.of("a", "2"));
        assertThat(this.context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("a", "2"));
        this.context.addLowCardinalityKeyValues(KeyValues.of("b", "3", "c", "4"));
        assertThat(this.context.getLowCardinalityKeyValues()).hasSize(3);
        this.context.removeLowCardinalityKeyValue("b");
        assertThat(this.context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("a", "2"),
                KeyValue.of("c", "4"));
        this.context.removeLowCardinalityKeyValues("a", "c");
        assertThat(this.context.getLowCardinalityKeyValues()).isEmpty();
    }

    @Test
    void keyValuesAddedAtStartAndStopAreThoseOfTheMap() {
        Observation.Context plain = new Observation.Context();
        for (Observation.Context context : new Observation.Context[] { this.context, plain }) {
            context.addLowCardinalityKeyValues(KeyValues.of("operation", "chat", "model", "a"));
        }
        assertThat(this.context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues());
        for (Observation.Context context : new Observation.Context[] { this.context, plain }) {
            context.addLowCardinalityKeyValues(KeyValues.of("model", "b", "response", "c"));
        }
        assertThat(this.context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues())
            .containsExactly(KeyValue.of("model", "b"), KeyValue.of("operation", "chat"), KeyValue.of("response", "c"));
        for (Observation.Context context : new Observation.Context[] { this.context, plain }) {
            context.addLowCardinalityKeyValue(KeyValue.of("filtered", "yes"));
            context.addLowCardinalityKeyValues(KeyValues.of("model", "d"));
        }
        assertThat(this.context.getLowCardinalityKeyValues()).isEqualTo(plain.getLowCardinalityKeyValues()).hasSize(4);
    }

}
