package io.inferlens.store;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TraceBuffers}.
 *
 * @author Inferlens
 */
class TraceBuffersTests {

    private final TraceBuffers<Items> buffers = new TraceBuffers<>(2, Items::new);

    private final TraceBuffers.Adder<Items, String> adder = (buffer, item) -> buffer.add(item, this.buffers);

    @Test
    void itemsGoToTheirTracesBuffer() {
        this.buffers.add("t1", "a", this.adder);
        this.buffers.add("t1", "b", this.adder);
        this.buffers.add("t2", "c", this.adder);
        assertThat(this.buffers.get("t1").items).containsExactly("a", "b");
        assertThat(this.buffers.get("t2").items).containsExactly("c");
        assertThat(this.buffers.size()).isEqualTo(2);
    }

    @Test
    void leastRecentlyWrittenTraceIsEvictedForANewOne() {
        this.buffers.add("t1", "a", this.adder);
        this.buffers.add("t2", "b", this.adder);
        this.buffers.add("t1", "c", this.adder);
        this.buffers.add("t3", "d", this.adder);
        assertThat(this.buffers.get("t2")).isNull();
        assertThat(this.buffers.get("t1")).isNotNull();
        assertThat(this.buffers.get("t3")).isNotNull();
        assertThat(this.buffers.evictedTraces()).isEqualTo(1);
        // t3 was written after t1, so t1 goes next.
        this.buffers.add("t4", "e", this.adder);
        assertThat(this.buffers.get("t1")).isNull();
        assertThat(this.buffers.size()).isEqualTo(2);
    }

    @Test
    void clearForgetsEveryTraceAndFreesTheirSlots() {
        this.buffers.add("t1", "a", this.adder);
        this.buffers.add("t2", "b", this.adder);
        this.buffers.clear();
        assertThat(this.buffers.size()).isZero();
        this.buffers.add("t3", "c", this.adder);
        this.buffers.add("t4", "d", this.adder);
        assertThat(this.buffers.size()).isEqualTo(2);
        assertThat(this.buffers.evictedTraces()).isZero();
    }

    @Test
    void atLeastOneTraceIsRequired() {
        assertThatIllegalArgumentException().isThrownBy(() -> new TraceBuffers<>(0, Items::new))
            .withMessage("maxTraces must be at least 1, but was 0");
    }

    static final class Items extends TraceBuffers.Buffer {

        final List<String> items = new ArrayList<>();

        Items(String traceId) {
            super(traceId);
        }

        synchronized boolean add(String item, TraceBuffers<?> buffers) {
            if (isRemoved()) {
                return false;
            }
            this.items.add(item);
            written(buffers.nextSequence());
            return true;
        }

    }

}
