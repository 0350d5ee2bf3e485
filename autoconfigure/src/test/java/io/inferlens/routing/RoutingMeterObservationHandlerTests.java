package io.inferlens.routing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link RoutingMeterObservationHandler}, with a {@link SimpleMeterRegistry}
 * whose clock the stages advance, behind Boot's default meter handler as Boot groups
 * them. Prometheus names are given in comments: the Prometheus registry is not on this
 * module's test path.
 *
 * @author Inferlens
 */
class RoutingMeterObservationHandlerTests {

    private final MockClock clock = new MockClock();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry(SimpleConfig.DEFAULT, this.clock);

    private final ObservationRegistry observations = ObservationRegistry.create();

    private final RoutingRecorder recorder = new RoutingRecorder(this.observations);

    RoutingMeterObservationHandlerTests() {
        this.observations.observationConfig()
            .observationHandler(new FirstMatchingCompositeObservationHandler(
                    new RoutingMeterObservationHandler(this.meters), new DefaultMeterObservationHandler(this.meters)));
    }

    @Test
    void routingCallsAreCountedByStatus() {
        route(Duration.ofMillis(2), RoutingDecision.of("powerful", 0.9, 0.1, 2));
        route(Duration.ofMillis(2), "no decision");
        assertThatThrownBy(() -> this.recorder.route(() -> {
            throw new IOException("down");
        })).isInstanceOf(IOException.class);
        // inferlens_routing_requests_total{error_type=""|"java.io.IOException"}
        assertThat(this.meters.get("inferlens.routing.requests").counters()).hasSize(2);
        assertThat(this.meters.get("inferlens.routing.requests").tag("error.type", "").counter().count()).isEqualTo(2);
        assertThat(this.meters.get("inferlens.routing.requests")
            .tag("error.type", "java.io.IOException")
            .counter()
            .count()).isEqualTo(1);
    }

    @Test
    void latencyIsAHistogramOfEveryRoutingCall() {
        route(Duration.ofMillis(3), "a");
        route(Duration.ofMillis(40), "b");
        route(Duration.ofSeconds(2), "c");
        assertThatThrownBy(() -> this.recorder.route(() -> {
            this.clock.add(Duration.ofMillis(700));
            throw new IllegalStateException("down");
        })).isInstanceOf(IllegalStateException.class);
        // inferlens_routing_latency_seconds_bucket{le="..."}, _count, _sum
        // one series per error.type: empty for the calls that succeeded
        Timer latency = this.meters.get("inferlens.routing.latency").tag("error.type", "").timer();
        assertThat(latency.count()).isEqualTo(3);
        assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(2043);
        assertThat(bucketsInMillis(latency.takeSnapshot())).containsExactly(entry(1.0, 0.0), entry(5.0, 1.0),
                entry(10.0, 1.0), entry(25.0, 1.0), entry(50.0, 2.0), entry(100.0, 2.0), entry(250.0, 2.0),
                entry(500.0, 2.0), entry(1000.0, 2.0), entry(2500.0, 3.0), entry(5000.0, 3.0), entry(10000.0, 3.0));
        Timer failed = this.meters.get("inferlens.routing.latency")
            .tag("error.type", IllegalStateException.class.getName())
            .timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(700);
    }

    @Test
    void decisionsAreCountedByTarget() {
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.9, 0.1, 2));
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.8, 0.1, 2));
        route(Duration.ZERO, RoutingDecision.of("lightweight", 0.6, 0.3, 2));
        // inferlens_routing_decisions_total{target="..."}
        assertThat(this.meters.get("inferlens.routing.decisions").tag("target", "powerful").counter().count())
            .isEqualTo(2);
        assertThat(this.meters.get("inferlens.routing.decisions").tag("target", "lightweight").counter().count())
            .isEqualTo(1);
    }

    @Test
    void confidenceAndUncertaintyAreHistogramsInPercentByTarget() {
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.95, 0.05, 2));
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.55, 0.35, 2));
        route(Duration.ZERO, RoutingDecision.of("powerful", 1.0, 0.0, 2));
        route(Duration.ZERO, RoutingDecision.of("lightweight", 0.15, 0.8, 2));
        // inferlens_routing_confidence_bucket{target="powerful",le="10.0|20.0|...|100.0|+Inf"}
        DistributionSummary confidence = this.meters.get("inferlens.routing.confidence")
            .tag("target", "powerful")
            .summary();
        assertThat(confidence.count()).isEqualTo(3);
        assertThat(confidence.totalAmount()).isCloseTo(250, within(1e-9));
        assertThat(confidence.max()).isEqualTo(100);
        assertThat(buckets(confidence.takeSnapshot())).containsExactly(entry(10.0, 0.0), entry(20.0, 0.0),
                entry(30.0, 0.0), entry(40.0, 0.0), entry(50.0, 0.0), entry(60.0, 1.0), entry(70.0, 1.0),
                entry(80.0, 1.0), entry(90.0, 1.0), entry(100.0, 3.0));
        // inferlens_routing_uncertainty_bucket{target="powerful",le="..."}
        DistributionSummary uncertainty = this.meters.get("inferlens.routing.uncertainty")
            .tag("target", "powerful")
            .summary();
        assertThat(buckets(uncertainty.takeSnapshot())).containsExactly(entry(10.0, 2.0), entry(20.0, 2.0),
                entry(30.0, 2.0), entry(40.0, 3.0), entry(50.0, 3.0), entry(60.0, 3.0), entry(70.0, 3.0),
                entry(80.0, 3.0), entry(90.0, 3.0), entry(100.0, 3.0));
        assertThat(this.meters.get("inferlens.routing.confidence").tag("target", "lightweight").summary().count())
            .isEqualTo(1);
        assertThat(this.meters.get("inferlens.routing.uncertainty").tag("target", "lightweight").summary().count())
            .isEqualTo(1);
    }

    @Test
    void valuesOnABucketBoundaryStayInThatBucket() {
        // 0.1 * 100 is 10.000000000000002, and 0.7 * 100 is 70.00000000000001
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.1, 0.3, 2));
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.7, 0.30001, 2));
        assertThat(buckets(this.meters.get("inferlens.routing.confidence").summary().takeSnapshot()))
            .containsEntry(10.0, 1.0)
            .containsEntry(60.0, 1.0)
            .containsEntry(70.0, 2.0);
        assertThat(buckets(this.meters.get("inferlens.routing.uncertainty").summary().takeSnapshot()))
            .containsEntry(20.0, 0.0)
            .containsEntry(30.0, 1.0)
            .containsEntry(40.0, 2.0);
    }

    @Test
    void candidatesAreCountedByTheRangeOfTheirNumberPerDecision() {
        for (int count : new int[] { 3, 10, 11, 50, 51, 100, 101, 0 }) {
            route(Duration.ZERO, RoutingDecision.of("powerful", 0.5, 0.5, count));
        }
        // inferlens_routing_candidates_total{batch_size_range="..."}
        assertThat(candidates("1-10")).isEqualTo(13);
        assertThat(candidates("11-50")).isEqualTo(61);
        assertThat(candidates("51-100")).isEqualTo(151);
        assertThat(candidates("100+")).isEqualTo(101);
        assertThat(this.meters.get("inferlens.routing.candidates").counters()).hasSize(4);
    }

    @Test
    void invalidConfidenceOrUncertaintyIsLeftOutOfTheHistogramsButTheDecisionIsCounted() {
        route(Duration.ZERO, RoutingDecision.of("powerful", 1.2, Double.NaN, 2));
        route(Duration.ZERO, RoutingDecision.of("powerful", 0.7, -0.5, 2));
        assertThat(this.meters.get("inferlens.routing.decisions").tag("target", "powerful").counter().count())
            .isEqualTo(2);
        assertThat(this.meters.get("inferlens.routing.confidence").summary().count()).isEqualTo(1);
        assertThat(this.meters.get("inferlens.routing.confidence").summary().totalAmount()).isEqualTo(70);
        assertThat(this.meters.get("inferlens.routing.uncertainty").summary().count()).isZero();
    }

    @Test
    void decisionOfAFailedRoutingCallIsNotCounted() {
        assertThatThrownBy(() -> this.recorder.route(() -> {
            this.recorder.recordDecision(RoutingDecision.of("powerful", 0.9, 0.1, 2));
            throw new IllegalStateException("breaker open");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(this.meters.find("inferlens.routing.decisions").counters()).isEmpty();
        assertThat(this.meters.find("inferlens.routing.candidates").counters()).isEmpty();
        assertThat(this.meters.get("inferlens.routing.requests")
            .tag("error.type", IllegalStateException.class.getName())
            .counter()
            .count()).isEqualTo(1);
    }

    @Test
    void featureEngineeringIsAHistogramByBatchSizeRange() {
        for (int batchSize : new int[] { 1, 10, 11, 50, 51, 100, 101, 5000 }) {
            this.recorder.featureEngineering(batchSize, () -> {
                this.clock.add(Duration.ofMillis(20));
                return null;
            });
        }
        // inferlens_feature_engineering_duration_seconds_bucket{batch_size_range="...",le="..."}
        assertThat(this.meters.get("inferlens.feature_engineering.duration").timers()).hasSize(4);
        for (String range : List.of("1-10", "11-50", "51-100", "100+")) {
            Timer timer = this.meters.get("inferlens.feature_engineering.duration")
                .tag("batch_size_range", range)
                .timer();
            assertThat(timer.count()).isEqualTo(2);
            assertThat(bucketsInMillis(timer.takeSnapshot())).containsEntry(10.0, 0.0).containsEntry(25.0, 2.0);
        }
    }

    @Test
    void modelInferenceIsAHistogramByModelType() {
        this.recorder.route(() -> {
            this.recorder.modelInference("lightweight", () -> this.clock.add(Duration.ofMillis(4)));
            this.recorder.modelInference("powerful", () -> this.clock.add(Duration.ofMillis(120)));
            return this.recorder.modelInference("powerful", () -> this.clock.add(Duration.ofMillis(80)));
        });
        // inferlens_model_inference_duration_seconds_bucket{model_type="...",le="..."}
        Timer lightweight = this.meters.get("inferlens.model_inference.duration")
            .tag("model_type", "lightweight")
            .timer();
        Timer powerful = this.meters.get("inferlens.model_inference.duration").tag("model_type", "powerful").timer();
        assertThat(lightweight.count()).isEqualTo(1);
        assertThat(lightweight.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(4);
        assertThat(powerful.count()).isEqualTo(2);
        assertThat(bucketsInMillis(powerful.takeSnapshot())).containsEntry(50.0, 0.0)
            .containsEntry(100.0, 1.0)
            .containsEntry(250.0, 2.0);
        assertThat(this.meters.get("inferlens.routing.latency").timer().totalTime(TimeUnit.MILLISECONDS))
            .isEqualTo(204);
    }

    @Test
    void routingObservationsGetNoMeterFromTheDefaultHandler() {
        this.recorder.route(() -> {
            this.recorder.featureEngineering(3, () -> null);
            this.recorder.modelInference("powerful", () -> null);
            this.recorder.uncertaintyEstimation(() -> null);
            this.recorder.circuitBreakerCheck("powerful", () -> null);
            return RoutingDecision.of("powerful", 0.9, 0.1, 1);
        });
        // SimpleMeterRegistry adds a ".histogram" gauge per bucket of a histogram
        assertThat(this.meters.getMeters()).extracting((meter) -> meter.getId().getName())
            .filteredOn((name) -> !name.endsWith(".histogram"))
            .containsExactlyInAnyOrder("inferlens.routing.requests", "inferlens.routing.latency",
                    "inferlens.routing.decisions", "inferlens.routing.confidence", "inferlens.routing.uncertainty",
                    "inferlens.routing.candidates", "inferlens.feature_engineering.duration",
                    "inferlens.model_inference.duration", "inferlens.routing.stage.duration",
                    "inferlens.routing.stage.duration");
        Observation.createNotStarted("other", this.observations).observe(() -> {
        });
        assertThat(this.meters.find("other").timer()).isNotNull();
    }

    @Test
    void everyMeterHasADescription() {
        this.recorder.route(() -> {
            this.recorder.featureEngineering(3, () -> null);
            this.recorder.modelInference("powerful", () -> null);
            return RoutingDecision.of("powerful", 0.9, 0.1, 1);
        });
        assertThat(this.meters.getMeters()).filteredOn((meter) -> !meter.getId().getName().endsWith(".histogram"))
            .hasSize(8)
            .allSatisfy((meter) -> assertThat(meter.getId().getDescription()).isNotBlank());
        assertThat(this.meters.getMeters()).filteredOn((meter) -> meter.getId().getType() == Meter.Type.COUNTER)
            .extracting((meter) -> meter.getId().getBaseUnit())
            .containsExactlyInAnyOrder("requests", "decisions", "candidates");
    }

    @Test
    void countsAreExactUnderConcurrentRoutingCalls() throws Exception {
        int threads = 8;
        int callsPerThread = 500;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                String target = "target-" + (thread % 4);
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < callsPerThread; call++) {
                        this.recorder.route(() -> {
                            this.recorder.modelInference(target, () -> null);
                            return RoutingDecision.of(target, 0.5, 0.25, 5);
                        });
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
            pool.shutdownNow();
        }
        assertThat(this.meters.get("inferlens.routing.requests").tag("error.type", "").counter().count())
            .isEqualTo(threads * callsPerThread);
        assertThat(this.meters.get("inferlens.routing.latency").timer().count()).isEqualTo(threads * callsPerThread);
        assertThat(candidates("1-10")).isEqualTo(5.0 * threads * callsPerThread);
        for (int target = 0; target < 4; target++) {
            String name = "target-" + target;
            assertThat(this.meters.get("inferlens.routing.decisions").tag("target", name).counter().count())
                .isEqualTo(2 * callsPerThread);
            assertThat(this.meters.get("inferlens.routing.confidence").tag("target", name).summary().count())
                .isEqualTo(2 * callsPerThread);
            assertThat(this.meters.get("inferlens.model_inference.duration").tag("model_type", name).timer().count())
                .isEqualTo(2 * callsPerThread);
        }
    }

    @Test
    void supportsOnlyRoutingContexts() {
        RoutingMeterObservationHandler handler = new RoutingMeterObservationHandler(this.meters);
        assertThat(handler.supportsContext(RoutingObservationContext.uncertaintyEstimation())).isTrue();
        assertThat(handler.supportsContext(new Observation.Context())).isFalse();
    }

    private void route(Duration duration, Object result) {
        this.recorder.route(() -> {
            this.clock.add(duration);
            return result;
        });
    }

    private double candidates(String range) {
        Counter counter = this.meters.get("inferlens.routing.candidates").tag("batch_size_range", range).counter();
        return counter.count();
    }

    private static Map<Double, Double> bucketsInMillis(HistogramSnapshot snapshot) {
        Map<Double, Double> buckets = new LinkedHashMap<>();
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            buckets.put(bucket.bucket(TimeUnit.MILLISECONDS), bucket.count());
        }
        return buckets;
    }

    private static Map<Double, Double> buckets(HistogramSnapshot snapshot) {
        Map<Double, Double> buckets = new LinkedHashMap<>();
        for (CountAtBucket bucket : snapshot.histogramCounts()) {
            buckets.put(bucket.bucket(), bucket.count());
        }
        return buckets;
    }

}
