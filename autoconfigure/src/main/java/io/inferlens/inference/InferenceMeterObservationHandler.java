package io.inferlens.inference;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * {@link MeterObservationHandler} for model calls: the GenAI client metrics of the
 * OpenTelemetry semantic conventions v1.41, as histograms with the conventions' explicit
 * bucket boundaries, and the cost of each call.
 * <ul>
 * <li>{@code gen_ai.client.operation.duration} (seconds), tagged with
 * {@code gen_ai.operation.name}, {@code gen_ai.provider.name},
 * {@code gen_ai.request.model}, {@code gen_ai.response.model} and {@code error.type}.
 * <li>{@code gen_ai.client.token.usage} (tokens), with the same tags but
 * {@code error.type}, and {@code gen_ai.token.type} ({@code input} or {@code output}).
 * <li>{@code gen_ai.client.operation.time_to_first_chunk} (seconds), for streamed
 * responses only.
 * <li>{@code inferlens.inference.cost} (US dollars), tagged with {@code model} and
 * {@code provider}, for models with a price in the {@link PriceTable}.
 * </ul>
 * Every series of a meter has the same tag keys, as Prometheus requires: a tag that does
 * not apply (no error, an unknown model) has an empty value, which Prometheus treats as
 * absent. Meters are registered once per set of tags and cached.
 *
 * @author Inferlens
 */
public class InferenceMeterObservationHandler implements MeterObservationHandler<InferenceObservationContext> {

    /**
     * Name of the duration histogram.
     */
    public static final String DURATION = "gen_ai.client.operation.duration";

    /**
     * Name of the token usage histogram.
     */
    public static final String TOKEN_USAGE = "gen_ai.client.token.usage";

    /**
     * Name of the time to first chunk histogram.
     */
    public static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

    /**
     * Name of the cost counter.
     */
    public static final String COST = "inferlens.inference.cost";

    static final double[] DURATION_BUCKETS = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
            40.96, 81.92 };

    static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864 };

    static final int MAX_CACHED_METERS = 4096;

    private static final Duration[] DURATION_SLOS = durations(DURATION_BUCKETS);

    private final MeterRegistry registry;

    private final Clock clock;

    private final PriceTable prices;

    private final Map<MetersKey, Meters> meters = new ConcurrentHashMap<>();

    private final Map<CostKey, Counter> costs = new ConcurrentHashMap<>();

    /**
     * Create a handler.
     * @param registry the registry of the meters
     * @param prices the prices of models
     */
    public InferenceMeterObservationHandler(MeterRegistry registry, PriceTable prices) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.prices = prices;
    }

    @Override
    public void onStart(InferenceObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(InferenceObservationContext context) {
        long duration = this.clock.monotonicTime() - context.getStartNanos();
        TokenUsage usage = context.getUsage();
        String requestModel = context.getRequestModel();
        Meters meters = meters(new MetersKey(context.getOperationName(), context.getProvider(), orEmpty(requestModel),
                orEmpty(usage.responseModel()), orEmpty(context.getErrorType())));
        meters.duration.record(duration, TimeUnit.NANOSECONDS);
        if (usage.inputTokens() >= 0) {
            meters.inputTokens.record(usage.inputTokens());
        }
        if (usage.outputTokens() >= 0) {
            meters.outputTokens.record(usage.outputTokens());
        }
        if (context.isStreaming()) {
            long timeToFirstChunk = context.getTimeToFirstChunkNanos();
            if (timeToFirstChunk >= 0) {
                meters.timeToFirstChunk().record(timeToFirstChunk, TimeUnit.NANOSECONDS);
            }
        }
        if (usage.hasTokens()) {
            PriceTable.Priced priced = this.prices.find(usage.responseModel(), requestModel);
            if (priced != null) {
                cost(priced.model(), context.getProvider()).increment(priced.price().cost(usage));
            }
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InferenceObservationContext;
    }

    private Meters meters(MetersKey key) {
        Meters meters = this.meters.get(key);
        if (meters == null) {
            meters = new Meters(key, this.registry);
            if (this.meters.size() < MAX_CACHED_METERS) {
                this.meters.putIfAbsent(key, meters);
            }
        }
        return meters;
    }

    private Counter cost(String model, String provider) {
        CostKey key = new CostKey(model, provider);
        Counter counter = this.costs.get(key);
        if (counter == null) {
            counter = Counter.builder(COST)
                .description("Cost of generative AI model calls, from the configured price table")
                .baseUnit("usd")
                .tag("model", model)
                .tag("provider", provider)
                .register(this.registry);
            if (this.costs.size() < MAX_CACHED_METERS) {
                this.costs.putIfAbsent(key, counter);
            }
        }
        return counter;
    }

    private static String orEmpty(@Nullable String value) {
        return (value != null) ? value : "";
    }

    private static Duration[] durations(double[] seconds) {
        Duration[] durations = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(seconds[i] * 1_000_000_000L));
        }
        return durations;
    }

    private record MetersKey(String operation, String provider, String requestModel, String responseModel,
            String errorType) {

        Tags tags() {
            return Tags.of("gen_ai.operation.name", this.operation, "gen_ai.provider.name", this.provider,
                    "gen_ai.request.model", this.requestModel, "gen_ai.response.model", this.responseModel);
        }

    }

    private record CostKey(String model, String provider) {

    }

    /**
     * The meters of one set of tags; the time to first chunk histogram is registered only
     * when a stream needs it.
     */
    private static final class Meters {

        private final Timer duration;

        private final DistributionSummary inputTokens;

        private final DistributionSummary outputTokens;

        private final Tags tags;

        private final MeterRegistry registry;

        private volatile @Nullable Timer timeToFirstChunk;

        Meters(MetersKey key, MeterRegistry registry) {
            this.registry = registry;
            this.tags = key.tags();
            this.duration = Timer.builder(DURATION)
                .description("GenAI operation duration")
                .tags(this.tags)
                .tag("error.type", key.errorType())
                .serviceLevelObjectives(DURATION_SLOS)
                .register(registry);
            this.inputTokens = tokens("input");
            this.outputTokens = tokens("output");
        }

        private DistributionSummary tokens(String type) {
            return DistributionSummary.builder(TOKEN_USAGE)
                .description("Number of input and output tokens used")
                .tags(this.tags)
                .tag("gen_ai.token.type", type)
                .serviceLevelObjectives(TOKEN_BUCKETS)
                .register(this.registry);
        }

        Timer timeToFirstChunk() {
            Timer timer = this.timeToFirstChunk;
            if (timer == null) {
                timer = Timer.builder(TIME_TO_FIRST_CHUNK)
                    .description("Time to receive the first chunk of a streamed response")
                    .tags(this.tags)
                    .serviceLevelObjectives(DURATION_SLOS)
                    .register(this.registry);
                this.timeToFirstChunk = timer;
            }
            return timer;
        }

    }

}
