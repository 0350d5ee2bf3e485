package io.inferlens.routing;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * {@link MeterObservationHandler} for routing calls and their stages. It supports every
 * {@link RoutingObservationContext}, so that it is the only meter handler asked about
 * them (Boot's default handler then creates no timer of its own), and records:
 * <ul>
 * <li>{@value #REQUESTS} ({@code status}: {@code success}, or {@code failure} when the
 * call threw) and the histogram {@value #LATENCY} for each routing call;</li>
 * <li>for the decision of a successful call: {@value #DECISIONS}, the histograms
 * {@value #CONFIDENCE} and {@value #UNCERTAINTY}, in percent with buckets of 10 to 100
 * (all by {@code target}), and {@value #CANDIDATES}, incremented by the number of
 * candidates (by {@code batch_size_range});</li>
 * <li>the histograms {@value #FEATURE_ENGINEERING_DURATION} (by {@code batch_size_range})
 * and {@value #MODEL_INFERENCE_DURATION} (by {@code model_type}).</li>
 * </ul>
 * Histograms have fixed buckets, so that Prometheus gets {@code _bucket} series. Meters
 * are registered on first use and cached, up to {@value #MAX_CACHED_METERS} per family.
 *
 * @author Inferlens
 */
public class RoutingMeterObservationHandler implements MeterObservationHandler<RoutingObservationContext> {

    /**
     * Counter of routing calls (Prometheus {@code inferlens_routing_requests_total}).
     */
    public static final String REQUESTS = "inferlens.routing.requests";

    /**
     * Timer of routing calls (Prometheus {@code inferlens_routing_latency_seconds}).
     */
    public static final String LATENCY = "inferlens.routing.latency";

    /**
     * Counter of decisions (Prometheus {@code inferlens_routing_decisions_total}).
     */
    public static final String DECISIONS = "inferlens.routing.decisions";

    /**
     * Distribution of the confidence of decisions, in percent (Prometheus
     * {@code inferlens_routing_confidence}).
     */
    public static final String CONFIDENCE = "inferlens.routing.confidence";

    /**
     * Distribution of the uncertainty of decisions, in percent (Prometheus
     * {@code inferlens_routing_uncertainty}).
     */
    public static final String UNCERTAINTY = "inferlens.routing.uncertainty";

    /**
     * Counter of the candidates scored (Prometheus
     * {@code inferlens_routing_candidates_total}).
     */
    public static final String CANDIDATES = "inferlens.routing.candidates";

    /**
     * Timer of feature engineering (Prometheus
     * {@code inferlens_feature_engineering_duration_seconds}).
     */
    public static final String FEATURE_ENGINEERING_DURATION = "inferlens.feature_engineering.duration";

    /**
     * Timer of the scoring by a candidate model (Prometheus
     * {@code inferlens_model_inference_duration_seconds}).
     */
    public static final String MODEL_INFERENCE_DURATION = "inferlens.model_inference.duration";

    /**
     * Meters cached per family; past this, meters are looked up in the registry on each
     * call, so that unbounded tag values cannot grow the cache.
     */
    static final int MAX_CACHED_METERS = 1024;

    private static final Duration[] DURATION_BUCKETS = { Duration.ofMillis(1), Duration.ofMillis(5),
            Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
            Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500),
            Duration.ofSeconds(5), Duration.ofSeconds(10) };

    /**
     * Buckets of confidence and uncertainty, in percent: Micrometer's fixed-boundary
     * histograms (Prometheus' among them) round each value up to a whole number before
     * bucketing it, so that buckets of 0.1 to 1.0 would put every value but 0 in the last
     * one. Whole-number boundaries in percent keep every value in its bucket.
     */
    private static final double[] PERCENT_BUCKETS = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

    private static final String SUCCESS = "success";

    private static final String FAILURE = "failure";

    private static final String UNKNOWN_MODEL_TYPE = "unknown";

    private final MeterRegistry registry;

    private final Clock clock;

    private final MeterCache<String, Counter> requests;

    private final MeterCache<String, Timer> latency;

    private final MeterCache<String, TargetMeters> targets;

    private final MeterCache<BatchSizeRange, Counter> candidates;

    private final MeterCache<BatchSizeRange, Timer> featureEngineering;

    private final MeterCache<String, Timer> modelInference;

    /**
     * Create a handler that registers its meters in the given registry.
     * @param registry the meter registry
     */
    public RoutingMeterObservationHandler(MeterRegistry registry) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.requests = new MeterCache<>((status) -> Counter.builder(REQUESTS)
            .description("Routing calls, by status: success, or failure when the call threw")
            .baseUnit("requests")
            .tag("status", status)
            .register(this.registry));
        this.latency = new MeterCache<>((name) -> Timer.builder(LATENCY)
            .description("Duration of routing calls")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .register(this.registry));
        this.targets = new MeterCache<>(this::targetMeters);
        this.candidates = new MeterCache<>((range) -> Counter.builder(CANDIDATES)
            .description("Candidates scored by routing decisions, by range of their number per decision")
            .baseUnit("candidates")
            .tag("batch_size_range", range.getValue())
            .register(this.registry));
        this.featureEngineering = new MeterCache<>((range) -> Timer.builder(FEATURE_ENGINEERING_DURATION)
            .description("Duration of the feature engineering of routing calls, by range of batch size")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .tag("batch_size_range", range.getValue())
            .register(this.registry));
        this.modelInference = new MeterCache<>((modelType) -> Timer.builder(MODEL_INFERENCE_DURATION)
            .description("Duration of the scoring of routing calls by a candidate model, by model type")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .tag("model_type", modelType)
            .register(this.registry));
    }

    @Override
    public void onStart(RoutingObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(RoutingObservationContext context) {
        switch (context.getStage()) {
            case REQUEST -> onRequestStop(context);
            case FEATURE_ENGINEERING ->
                record(this.featureEngineering.get(BatchSizeRange.of(context.getBatchSize())), context);
            case MODEL_INFERENCE -> record(this.modelInference.get(modelType(context)), context);
            default -> {
                // Spans only: no meter is asked for uncertainty estimation and circuit
                // breaker checks, and supporting them keeps the default handler's timers
                // away.
            }
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof RoutingObservationContext;
    }

    private void onRequestStop(RoutingObservationContext context) {
        boolean failed = context.getError() != null;
        this.requests.get(failed ? FAILURE : SUCCESS).increment();
        record(this.latency.get(LATENCY), context);
        RoutingDecision decision = context.getDecision();
        if (decision != null && !failed) {
            recordDecision(decision);
        }
    }

    private void recordDecision(RoutingDecision decision) {
        String target = decision.target();
        TargetMeters meters = this.targets.get((target != null) ? target : RoutingRecorder.UNKNOWN_TARGET);
        meters.decisions().increment();
        // Invalid values were replaced by NaN when the decision was recorded.
        if (!Double.isNaN(decision.confidence())) {
            meters.confidence().record(percent(decision.confidence()));
        }
        if (!Double.isNaN(decision.uncertainty())) {
            meters.uncertainty().record(percent(decision.uncertainty()));
        }
        int count = decision.candidateCount();
        if (count > 0) {
            this.candidates.get(BatchSizeRange.of(count)).increment(count);
        }
    }

    /**
     * A value of {@code [0, 1]} in percent, rounded to 4 decimals so that floating-point
     * noise ({@code 0.1 * 100 = 10.000000000000002}) does not move it to the next bucket.
     */
    static double percent(double value) {
        return Math.rint(value * 1_000_000) / 10_000;
    }

    private void record(Timer timer, RoutingObservationContext context) {
        timer.record(this.clock.monotonicTime() - context.getStartNanos(), TimeUnit.NANOSECONDS);
    }

    private static String modelType(RoutingObservationContext context) {
        String modelType = context.getModelType();
        return (modelType != null) ? modelType : UNKNOWN_MODEL_TYPE;
    }

    private TargetMeters targetMeters(String target) {
        Counter decisions = Counter.builder(DECISIONS)
            .description("Routing decisions, by target picked")
            .baseUnit("decisions")
            .tag("target", target)
            .register(this.registry);
        DistributionSummary confidence = DistributionSummary.builder(CONFIDENCE)
            .description("Confidence of routing decisions in percent (0.83 is 83), by target picked")
            .serviceLevelObjectives(PERCENT_BUCKETS)
            .tag("target", target)
            .register(this.registry);
        DistributionSummary uncertainty = DistributionSummary.builder(UNCERTAINTY)
            .description("Uncertainty of routing decisions in percent (0.12 is 12), by target picked")
            .serviceLevelObjectives(PERCENT_BUCKETS)
            .tag("target", target)
            .register(this.registry);
        return new TargetMeters(decisions, confidence, uncertainty);
    }

    private record TargetMeters(Counter decisions, DistributionSummary confidence, DistributionSummary uncertainty) {

    }

    /**
     * Meters of one family, registered on first use and cached up to
     * {@link #MAX_CACHED_METERS}.
     */
    private static final class MeterCache<K, M> {

        private final Map<K, M> meters = new ConcurrentHashMap<>();

        private final Function<K, M> factory;

        MeterCache(Function<K, M> factory) {
            this.factory = factory;
        }

        M get(K key) {
            @Nullable M meter = this.meters.get(key);
            if (meter == null) {
                meter = this.factory.apply(key);
                if (this.meters.size() < MAX_CACHED_METERS) {
                    this.meters.putIfAbsent(key, meter);
                }
            }
            return meter;
        }

    }

}
