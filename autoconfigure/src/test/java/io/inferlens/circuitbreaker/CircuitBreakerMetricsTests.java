package io.inferlens.circuitbreaker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link CircuitBreakerMetrics}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class CircuitBreakerMetricsTests {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private final List<String> transitions = new ArrayList<>();

    private final CircuitBreakerMetrics metrics = new CircuitBreakerMetrics(this.registry,
            (name, from, to) -> this.transitions.add(name + ":" + from + "->" + to));

    @Test
    void boundCircuitBreakerHasStateGaugeTaggedWithItsNameAndDescribed() {
        this.metrics.bind("backend", () -> CircuitBreakerState.HALF_OPEN);
        Gauge gauge = this.registry.get("inferlens.circuit_breaker.state").tag("name", "backend").gauge();
        assertThat(gauge.value()).isEqualTo(1.0);
        assertThat(gauge.getId().getTags()).hasSize(1);
        assertThat(gauge.getId().getDescription()).contains("0 closed").contains("1 half-open").contains("2 open");
    }

    @Test
    void gaugeEncodesClosedAsZeroHalfOpenAsOneAndOpenAsTwo() {
        AtomicInteger index = new AtomicInteger();
        CircuitBreakerState[] states = { CircuitBreakerState.CLOSED, CircuitBreakerState.HALF_OPEN,
                CircuitBreakerState.OPEN };
        this.metrics.bind("backend", () -> states[index.get()]);
        Gauge gauge = this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).gauge();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < states.length; i++) {
            index.set(i);
            values.add(gauge.value());
        }
        assertThat(values).containsExactly(0.0, 1.0, 2.0);
    }

    @Test
    void bindingANameAgainReplacesTheSupplierOfItsOnlyGauge() {
        this.metrics.bind("backend", () -> CircuitBreakerState.OPEN);
        this.metrics.bind("backend", () -> CircuitBreakerState.CLOSED);
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).singleElement()
            .satisfies((gauge) -> assertThat(gauge.value()).isEqualTo(0.0));
    }

    @Test
    void eachNameHasItsOwnGauge() {
        this.metrics.bind("a", () -> CircuitBreakerState.OPEN);
        this.metrics.bind("b", () -> CircuitBreakerState.CLOSED);
        assertThat(this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).tag("name", "a").gauge().value())
            .isEqualTo(2.0);
        assertThat(this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).tag("name", "b").gauge().value())
            .isEqualTo(0.0);
    }

    @Test
    void unbindingRemovesTheGaugeAndBindingAgainRegistersItAgain() {
        this.metrics.bind("backend", () -> CircuitBreakerState.OPEN);
        assertThat(this.metrics.unbind("backend")).isTrue();
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).isEmpty();
        assertThat(this.metrics.unbind("backend")).isFalse();
        this.metrics.bind("backend", () -> CircuitBreakerState.HALF_OPEN);
        assertThat(this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void unbindingASupplierKeepsTheGaugeOfANewerBindingOfTheSameName() {
        Supplier<CircuitBreakerState> old = () -> CircuitBreakerState.OPEN;
        Supplier<CircuitBreakerState> current = () -> CircuitBreakerState.CLOSED;
        this.metrics.bind("backend", old);
        this.metrics.bind("backend", current);
        assertThat(this.metrics.unbind("backend", old)).isFalse();
        assertThat(this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).gauge().value()).isEqualTo(0.0);
        assertThat(this.metrics.unbind("backend", current)).isTrue();
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).isEmpty();
    }

    @Test
    void failingSupplierReadsNaNAndIsLoggedOnce(CapturedOutput output) {
        this.metrics.bind("backend", () -> {
            throw new IllegalStateException("broken supplier");
        });
        Gauge gauge = this.registry.get(CircuitBreakerMetrics.STATE_METER_NAME).gauge();
        assertThat(gauge.value()).isNaN();
        assertThat(gauge.value()).isNaN();
        assertThat(output.toString().split("broken supplier", -1)).hasSize(2);
        assertThat(output).contains("WARN").contains("circuit breaker 'backend'");
    }

    @Test
    void failingMeterRegistryDoesNotFailTheBinding() {
        this.registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("broken filter");
            }
        });
        assertThatNoException().isThrownBy(() -> this.metrics.bind("backend", () -> CircuitBreakerState.OPEN));
        assertThatNoException().isThrownBy(() -> this.metrics.unbind("backend"));
    }

    @Test
    void transitionsGoToTheListener() {
        this.metrics.recordTransition("backend", "closed", "forced_open");
        this.metrics.recordTransition("backend", CircuitBreakerState.OPEN, CircuitBreakerState.HALF_OPEN);
        assertThat(this.transitions).containsExactly("backend:closed->forced_open", "backend:open->half_open");
    }

    @Test
    void failingListenerIsSwallowedAndLoggedOnce(CapturedOutput output) {
        CircuitBreakerMetrics metrics = new CircuitBreakerMetrics(this.registry, (name, from, to) -> {
            throw new IllegalStateException("broken listener");
        });
        assertThatNoException().isThrownBy(() -> {
            metrics.recordTransition("backend", "closed", "open");
            metrics.recordTransition("backend", "open", "half_open");
        });
        assertThat(output.toString().split("broken listener", -1)).hasSize(2);
    }

    @Test
    void concurrentBindingAndUnbindingKeepsGaugesAndBindingsInStep() throws Exception {
        int threads = 16;
        int names = 50;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int round = 0; round < 20; round++) {
                        for (int n = 0; n < names; n++) {
                            this.metrics.bind("cb-" + n, () -> CircuitBreakerState.OPEN);
                            if (n % 2 == 1 && (round + thread) % 2 == 0) {
                                this.metrics.unbind("cb-" + n);
                            }
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        List<String> bound = this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME)
            .gauges()
            .stream()
            .map((gauge) -> gauge.getId().getTag("name"))
            .toList();
        assertThat(bound).doesNotHaveDuplicates();
        for (int n = 0; n < names; n += 2) {
            assertThat(bound).contains("cb-" + n);
        }
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges())
            .allSatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(2.0));
        // Bindings and gauges are in step: binding every name again makes one gauge per
        // name reading the new supplier, and unbinding every name leaves no gauge.
        for (int n = 0; n < names; n++) {
            this.metrics.bind("cb-" + n, () -> CircuitBreakerState.CLOSED);
        }
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).hasSize(names)
            .allSatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(0.0));
        for (int n = 0; n < names; n++) {
            assertThat(this.metrics.unbind("cb-" + n)).isTrue();
        }
        assertThat(this.registry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).isEmpty();
    }

}
