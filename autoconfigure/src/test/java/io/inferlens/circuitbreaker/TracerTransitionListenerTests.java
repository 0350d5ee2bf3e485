package io.inferlens.circuitbreaker;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link TracerTransitionListener}.
 *
 * @author Inferlens
 */
class TracerTransitionListenerTests {

    private final SimpleTracer tracer = new SimpleTracer();

    private final TracerTransitionListener listener = new TracerTransitionListener(this.tracer);

    @Test
    void transitionIsAnEventOfTheCurrentSpanNamingBreakerAndStates() {
        SimpleSpan span = this.tracer.nextSpan().name("call").start();
        try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
            this.listener.onTransition("backend", "closed", "open");
        }
        finally {
            span.end();
        }
        assertThat(span.getEvents()).singleElement()
            .satisfies((event) -> assertThat(event.getValue()).isEqualTo("circuit_breaker.state_transition"
                    + " circuit_breaker.name=backend circuit_breaker.from_state=closed circuit_breaker.to_state=open"));
    }

    @Test
    void aSpanThatIsNotCurrentGetsNoEvent() {
        SimpleSpan span = this.tracer.nextSpan().name("elsewhere").start();
        assertThatNoException().isThrownBy(() -> this.listener.onTransition("backend", "closed", "open"));
        span.end();
        assertThat(span.getEvents()).isEmpty();
    }

    @Test
    void aSpanThatIsNotRecordedGetsNoEvent() {
        // A span that says it is a no-op (not sampled) but would keep events given to it.
        SimpleSpan unrecorded = new SimpleSpan() {

            @Override
            public boolean isNoop() {
                return true;
            }

        };
        Tracer tracer = new SimpleTracer() {

            @Override
            public SimpleSpan currentSpan() {
                return unrecorded;
            }

        };
        new TracerTransitionListener(tracer).onTransition("backend", "closed", "open");
        assertThat(unrecorded.getEvents()).isEmpty();
    }

}
