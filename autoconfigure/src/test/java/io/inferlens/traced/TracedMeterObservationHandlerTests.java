package io.inferlens.traced;

import java.lang.reflect.Method;

import io.inferlens.annotation.Traced;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TracedMeterObservationHandler}.
 *
 * @author Inferlens
 */
class TracedMeterObservationHandlerTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final ObservationRegistry registry = ObservationRegistry.create();

    TracedMeterObservationHandlerTests() {
        this.registry.observationConfig().observationHandler(new TracedMeterObservationHandler(this.meters));
    }

    @Test
    void timerIsNamedAfterTheOperationAndTaggedWithErrorTypeAndAttributes() throws Exception {
        TracedMethod method = tracedMethod("work");
        observe(method, null);
        observe(method, null);
        observe(method, new IllegalStateException("boom"));
        Timer success = this.meters.get("demo.work").tags("error.type", "", "tier", "gold").timer();
        assertThat(success.count()).isEqualTo(2);
        assertThat(success.getId().getDescription()).isEqualTo("Duration of a @Traced operation");
        Timer failure = this.meters.get("demo.work")
            .tags("error.type", "java.lang.IllegalStateException", "tier", "gold")
            .timer();
        assertThat(failure.count()).isEqualTo(1);
    }

    @Test
    void noLongTaskTimerIsKept() throws Exception {
        observe(tracedMethod("work"), null);
        assertThat(this.meters.getMeters()).extracting(Meter::getId)
            .extracting(Meter.Id::getName)
            .containsExactly("demo.work");
    }

    @Test
    void durationCoversTheObservation() throws Exception {
        TracedMethod method = tracedMethod("work");
        Observation observation = Observation
            .createNotStarted(null, method.getDefaultConvention(), () -> new TracedObservationContext(method),
                    this.registry)
            .start();
        Thread.sleep(20);
        observation.stop();
        assertThat(this.meters.get("demo.work").timer().totalTime(java.util.concurrent.TimeUnit.MILLISECONDS))
            .isGreaterThanOrEqualTo(20);
    }

    @Test
    void keyValuesAddedByFiltersBecomeTags() throws Exception {
        this.registry.observationConfig()
            .observationFilter((context) -> context.addLowCardinalityKeyValues(KeyValues.of("region", "eu")));
        observe(tracedMethod("work"), null);
        assertThat(this.meters.get("demo.work").tag("region", "eu").timer().count()).isEqualTo(1);
    }

    @Test
    void distinctTagSetsBeyondTheCacheAreStillRecorded() throws Exception {
        TracedMethod method = tracedMethod("work");
        TracedObservationConvention unbounded = new TracedObservationConvention() {
            private int next;

            @Override
            public KeyValues getLowCardinalityKeyValues(TracedObservationContext context) {
                return KeyValues.of("n", String.valueOf(this.next++ / 4));
            }
        };
        int tagSets = io.inferlens.metrics.MeterCache.DEFAULT_MAX_KEYS + 10;
        for (int i = 0; i < 2 * tagSets; i++) {
            Observation
                .createNotStarted(unbounded, method.getDefaultConvention(), () -> new TracedObservationContext(method),
                        this.registry)
                .start()
                .stop();
        }
        assertThat(this.meters.get("demo.work").timers()).hasSize(tagSets);
        assertThat(this.meters.get("demo.work").timers()).allSatisfy((timer) -> assertThat(timer.count()).isEqualTo(2));
    }

    private void observe(TracedMethod method, Throwable error) {
        Observation observation = Observation
            .createNotStarted(null, method.getDefaultConvention(), () -> new TracedObservationContext(method),
                    this.registry)
            .start();
        if (error != null) {
            observation.error(error);
        }
        observation.stop();
    }

    private static TracedMethod tracedMethod(String name) throws NoSuchMethodException {
        Method method = Service.class.getMethod(name);
        return TracedMethods.resolve(method, Service.class);
    }

    static class Service {

        @Traced(value = "demo.work", attributes = @Traced.Attribute(key = "tier", value = "gold"))
        public void work() {
        }

    }

}
