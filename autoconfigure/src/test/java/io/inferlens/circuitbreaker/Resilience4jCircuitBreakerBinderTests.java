package io.inferlens.circuitbreaker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link Resilience4jCircuitBreakerBinder} with a real Resilience4j registry.
 *
 * @author Inferlens
 */
class Resilience4jCircuitBreakerBinderTests {

    private static final CircuitBreakerConfig CONFIG = CircuitBreakerConfig.custom()
        .slidingWindowSize(2)
        .minimumNumberOfCalls(2)
        .failureRateThreshold(50)
        .build();

    private final SimpleMeterRegistry meterRegistry = new SimpleMeterRegistry();

    private final List<String> transitions = new CopyOnWriteArrayList<>();

    private final Resilience4jCircuitBreakerBinder binder = new Resilience4jCircuitBreakerBinder(
            new CircuitBreakerMetrics(this.meterRegistry,
                    (name, from, to) -> this.transitions.add(name + ":" + from + "->" + to)));

    private final CircuitBreakerRegistry registry = CircuitBreakerRegistry.of(CONFIG);

    @ParameterizedTest
    @CsvSource({ "CLOSED, CLOSED, 0", "HALF_OPEN, HALF_OPEN, 1", "OPEN, OPEN, 2", "FORCED_OPEN, OPEN, 2",
            "DISABLED, CLOSED, 0", "METRICS_ONLY, CLOSED, 0" })
    void mapsEveryResilience4jStateByWhetherCallsGoThrough(CircuitBreaker.State state, CircuitBreakerState expected,
            int gaugeValue) {
        assertThat(Resilience4jCircuitBreakerBinder.toCircuitBreakerState(state)).isEqualTo(expected);
        assertThat(expected.getGaugeValue()).isEqualTo(gaugeValue);
    }

    @ParameterizedTest
    @CsvSource({ "CLOSED, closed", "HALF_OPEN, half_open", "OPEN, open", "FORCED_OPEN, forced_open",
            "DISABLED, disabled", "METRICS_ONLY, metrics_only" })
    void namesStatesInLowerCaseInSpanAttributes(CircuitBreaker.State state, String name) {
        assertThat(Resilience4jCircuitBreakerBinder.toAttributeValue(state)).isEqualTo(name);
    }

    @Test
    void bindsCircuitBreakersThatExistedBeforeBinding() {
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        backend.transitionToOpenState();
        this.binder.bindTo(this.registry);
        assertThat(gauge("backend")).isEqualTo(2.0);
    }

    @Test
    void gaugeFollowsEveryStateOfTheBreaker() {
        this.binder.bindTo(this.registry);
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        List<Double> values = new ArrayList<>();
        values.add(gauge("backend"));
        failTwice(backend);
        values.add(gauge("backend"));
        backend.transitionToHalfOpenState();
        values.add(gauge("backend"));
        backend.transitionToClosedState();
        values.add(gauge("backend"));
        backend.transitionToForcedOpenState();
        values.add(gauge("backend"));
        backend.transitionToDisabledState();
        values.add(gauge("backend"));
        backend.transitionToMetricsOnlyState();
        values.add(gauge("backend"));
        assertThat(values).containsExactly(0.0, 2.0, 1.0, 0.0, 2.0, 0.0, 0.0);
    }

    @Test
    void bindsCircuitBreakersAddedAfterBinding() {
        this.binder.bindTo(this.registry);
        this.registry.circuitBreaker("late").transitionToOpenState();
        assertThat(gauge("late")).isEqualTo(2.0);
    }

    @Test
    void removedCircuitBreakerLosesItsGauge() {
        this.registry.circuitBreaker("early");
        this.binder.bindTo(this.registry);
        this.registry.circuitBreaker("late");
        this.registry.remove("early");
        this.registry.remove("late");
        assertThat(this.meterRegistry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).isEmpty();
    }

    @Test
    void replacedCircuitBreakerHandsItsGaugeToItsReplacement() {
        this.binder.bindTo(this.registry);
        CircuitBreaker old = this.registry.circuitBreaker("backend");
        CircuitBreaker replacement = CircuitBreaker.of("backend", CONFIG);
        replacement.transitionToOpenState();
        this.registry.replace("backend", replacement);
        assertThat(gauge("backend")).isEqualTo(2.0);
        this.transitions.clear();
        replacement.transitionToHalfOpenState();
        assertThat(this.transitions).containsExactly("backend:open->half_open");
        old.transitionToForcedOpenState();
        assertThat(gauge("backend")).isEqualTo(1.0);
    }

    @Test
    void removingABreakerKeepsTheGaugeOfItsReplacementInAnotherRegistry() {
        CircuitBreakerRegistry other = CircuitBreakerRegistry.of(CONFIG);
        this.binder.bindTo(this.registry);
        this.binder.bindTo(other);
        this.registry.circuitBreaker("backend");
        other.circuitBreaker("backend").transitionToOpenState();
        this.registry.remove("backend");
        assertThat(gauge("backend")).isEqualTo(2.0);
    }

    @Test
    void transitionsAreRecordedWithResilience4jStateNamesOnTheCallingThread() {
        List<String> threads = new CopyOnWriteArrayList<>();
        Resilience4jCircuitBreakerBinder binder = new Resilience4jCircuitBreakerBinder(
                new CircuitBreakerMetrics(this.meterRegistry, (name, from, to) -> {
                    threads.add(Thread.currentThread().getName());
                    this.transitions.add(name + ":" + from + "->" + to);
                }));
        binder.bindTo(this.registry);
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        failTwice(backend);
        backend.transitionToForcedOpenState();
        backend.transitionToClosedState();
        assertThat(this.transitions).containsExactly("backend:closed->open", "backend:open->forced_open",
                "backend:forced_open->closed");
        assertThat(threads).containsOnly(Thread.currentThread().getName());
    }

    @Test
    void bindingTwiceRecordsEachTransitionOnce() {
        this.binder.bindTo(this.registry);
        this.binder.bindTo(this.registry);
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        this.binder.bind(backend);
        backend.transitionToOpenState();
        assertThat(this.transitions).containsExactly("backend:closed->open");
        assertThat(this.meterRegistry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).hasSize(1);
    }

    @Test
    void failingListenerBreaksNeitherTheCallNorOtherConsumersOfTheTransition() {
        Resilience4jCircuitBreakerBinder binder = new Resilience4jCircuitBreakerBinder(
                new CircuitBreakerMetrics(this.meterRegistry, (name, from, to) -> {
                    throw new IllegalStateException("broken listener");
                }));
        binder.bindTo(this.registry);
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        List<String> seenByUser = new ArrayList<>();
        backend.getEventPublisher().onStateTransition((event) -> seenByUser.add(event.getStateTransition().toString()));
        failTwice(backend);
        assertThat(backend.getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(seenByUser).singleElement().asString().contains("CLOSED").contains("OPEN");
    }

    @Test
    void failingMeterRegistryDoesNotFailTheCreationOfABreaker() {
        this.meterRegistry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("broken filter");
            }
        });
        this.binder.bindTo(this.registry);
        CircuitBreaker backend = this.registry.circuitBreaker("backend");
        assertThat(backend.getName()).isEqualTo("backend");
        backend.transitionToOpenState();
        assertThat(this.transitions).containsExactly("backend:closed->open");
    }

    @Test
    void breakersCreatedConcurrentlyAllGetAGauge() throws Exception {
        this.binder.bindTo(this.registry);
        int threads = 16;
        int breakers = 200;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < breakers; i++) {
                        CircuitBreaker breaker = this.registry.circuitBreaker("cb-" + ((i + thread) % breakers));
                        if (i % 2 == 0) {
                            breaker.transitionToOpenState();
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
        assertThat(this.meterRegistry.find(CircuitBreakerMetrics.STATE_METER_NAME).gauges()).hasSize(breakers)
            .allSatisfy((gauge) -> assertThat(gauge.value()).isEqualTo(2.0));
    }

    private double gauge(String name) {
        return this.meterRegistry.get(CircuitBreakerMetrics.STATE_METER_NAME).tag("name", name).gauge().value();
    }

    private static void failTwice(CircuitBreaker breaker) {
        for (int i = 0; i < 2; i++) {
            assertThatIOException().isThrownBy(() -> breaker.executeCheckedRunnable(() -> {
                throw new IOException("model unavailable");
            }));
        }
    }

}
