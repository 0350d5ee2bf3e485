package io.inferlens.routing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.inferlens.metrics.MeterCache;
import io.inferlens.metrics.ObservationTags;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * {@link MeterObservationHandler} for routing calls and their stages. It supports every
 * {@link RoutingObservationContext}, so that it is the only meter handler asked about
 * them (Boot's default handler then creates no timer of its own). Every meter is tagged
 * with the observation's low-cardinality key-values, as its convention made them
 * ({@code error.type}, and for stages {@code stage} and the stage's own keys), and
 * records:
 * <ul>
 * <li>{@value #REQUESTS} and the histogram {@value #LATENCY} for each routing call;</li>
 * <li>for the decision of a successful call, also tagged with its {@code target}:
 * {@value #DECISIONS} and the histograms {@value #CONFIDENCE} and {@value #UNCERTAINTY},
 * in percent with buckets of 10 to 100; and {@value #CANDIDATES}, incremented by the
 * number of candidates, tagged with its {@code batch_size_range};</li>
 * <li>the histograms {@value #FEATURE_ENGINEERING_DURATION} and
 * {@value #MODEL_INFERENCE_DURATION} for the built-in stages of those names, and
 * {@value #STAGE_DURATION} for the others, the application's own stages among them.</li>
 * </ul>
 * Histograms have fixed buckets, so that Prometheus gets {@code _bucket} series. Meters
 * are registered on first use and cached.
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
     * Timer of the other stages, by {@code stage} (Prometheus
     * {@code inferlens_routing_stage_duration_seconds}).
     */
    public static final String STAGE_DURATION = "inferlens.routing.stage.duration";

    /**
     * Key of the target of a decision on the decision meters.
     */
    public static final String TARGET = "target";

    /**
     * Key of the range of the number of candidates on the candidates counter.
     */
    public static final String BATCH_SIZE_RANGE = "batch_size_range";

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

    private static final KeyName[] REQUEST_KEYS = RoutingObservationDocumentation.ROUTING_REQUEST
        .getLowCardinalityKeyNames();

    private final MeterRegistry registry;

    private final Clock clock;

    private final MeterCache<KeyValues, RequestMeters> requests;

    private final MeterCache<TargetKey, TargetMeters> targets;

    private final MeterCache<RangeKey, Counter> candidates;

    private final MeterCache<StageKey, Timer> stages;

    /**
     * Create a handler that registers its meters in the given registry.
     * @param registry the meter registry
     */
    public RoutingMeterObservationHandler(MeterRegistry registry) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.requests = new MeterCache<>(this::requestMeters);
        this.targets = new MeterCache<>(this::targetMeters);
        this.candidates = new MeterCache<>((key) -> Counter.builder(CANDIDATES)
            .description("Candidates scored by routing decisions, by range of their number per decision")
            .baseUnit("candidates")
            .tags(ObservationTags.of(key.keyValues(), REQUEST_KEYS))
            .tag(BATCH_SIZE_RANGE, key.range().getValue())
            .register(this.registry));
        this.stages = new MeterCache<>((key) -> Timer.builder(key.meterName())
            .description(description(key.meterName()))
            .serviceLevelObjectives(DURATION_BUCKETS)
            .tags(ObservationTags.of(key.keyValues(), key.documentation().getLowCardinalityKeyNames()))
            .register(this.registry));
    }

    @Override
    public void onStart(RoutingObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(RoutingObservationContext context) {
        long duration = this.clock.monotonicTime() - context.getStartNanos();
        RoutingStage stage = context.getStage();
        KeyValues keyValues = context.getLowCardinalityKeyValues();
        if (stage.isRequest()) {
            RequestMeters meters = this.requests.get(keyValues);
            meters.requests().increment();
            meters.latency().record(duration, TimeUnit.NANOSECONDS);
            RoutingDecision decision = context.getDecision();
            if (decision != null && context.getError() == null) {
                recordDecision(keyValues, decision);
            }
            return;
        }
        this.stages.get(new StageKey(meterName(stage), stage.getDocumentation(), keyValues))
            .record(duration, TimeUnit.NANOSECONDS);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof RoutingObservationContext;
    }

    private void recordDecision(KeyValues keyValues, RoutingDecision decision) {
        String target = decision.target();
        TargetMeters meters = this.targets
            .get(new TargetKey(keyValues, (target != null) ? target : RoutingRecorder.UNKNOWN_TARGET));
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
            this.candidates.get(new RangeKey(keyValues, BatchSizeRange.of(count))).increment(count);
        }
    }

    private static String meterName(RoutingStage stage) {
        if (stage == RoutingStage.FEATURE_ENGINEERING) {
            return FEATURE_ENGINEERING_DURATION;
        }
        if (stage == RoutingStage.MODEL_INFERENCE) {
            return MODEL_INFERENCE_DURATION;
        }
        return STAGE_DURATION;
    }

    private static String description(String meterName) {
        return switch (meterName) {
            case FEATURE_ENGINEERING_DURATION ->
                "Duration of the feature engineering of routing calls, by range of batch size";
            case MODEL_INFERENCE_DURATION ->
                "Duration of the scoring of routing calls by a candidate model, by model type";
            default -> "Duration of the stages of routing calls, by stage";
        };
    }

    /**
     * A value of {@code [0, 1]} in percent, rounded to 4 decimals so that floating-point
     * noise ({@code 0.1 * 100 = 10.000000000000002}) does not move it to the next bucket.
     */
    static double percent(double value) {
        return Math.rint(value * 1_000_000) / 10_000;
    }

    private RequestMeters requestMeters(KeyValues keyValues) {
        Tags tags = ObservationTags.of(keyValues, REQUEST_KEYS);
        Counter requests = Counter.builder(REQUESTS)
            .description("Routing calls, by error.type: empty when the call succeeded")
            .baseUnit("requests")
            .tags(tags)
            .register(this.registry);
        Timer latency = Timer.builder(LATENCY)
            .description("Duration of routing calls")
            .serviceLevelObjectives(DURATION_BUCKETS)
            .tags(tags)
            .register(this.registry);
        return new RequestMeters(requests, latency);
    }

    private TargetMeters targetMeters(TargetKey key) {
        Tags tags = ObservationTags.of(key.keyValues(), REQUEST_KEYS).and(TARGET, key.target());
        Counter decisions = Counter.builder(DECISIONS)
            .description("Routing decisions, by target picked")
            .baseUnit("decisions")
            .tags(tags)
            .register(this.registry);
        DistributionSummary confidence = DistributionSummary.builder(CONFIDENCE)
            .description("Confidence of routing decisions in percent (0.83 is 83), by target picked")
            .serviceLevelObjectives(PERCENT_BUCKETS)
            .tags(tags)
            .register(this.registry);
        DistributionSummary uncertainty = DistributionSummary.builder(UNCERTAINTY)
            .description("Uncertainty of routing decisions in percent (0.12 is 12), by target picked")
            .serviceLevelObjectives(PERCENT_BUCKETS)
            .tags(tags)
            .register(this.registry);
        return new TargetMeters(decisions, confidence, uncertainty);
    }

    private record RequestMeters(Counter requests, Timer latency) {

    }

    private record TargetKey(KeyValues keyValues, String target) {

    }

    private record TargetMeters(Counter decisions, DistributionSummary confidence, DistributionSummary uncertainty) {

    }

    private record RangeKey(KeyValues keyValues, BatchSizeRange range) {

    }

    private record StageKey(String meterName, RoutingObservationDocumentation documentation, KeyValues keyValues) {

    }

}
