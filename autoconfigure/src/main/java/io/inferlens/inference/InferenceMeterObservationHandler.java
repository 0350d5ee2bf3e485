package io.inferlens.inference;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.inferlens.metrics.MeterCache;
import io.inferlens.metrics.ObservationTags;
import io.inferlens.observation.ErrorTypes;
import io.micrometer.common.KeyValues;
import io.micrometer.common.docs.KeyName;
import io.micrometer.core.instrument.Clock;
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
 * bucket boundaries. Their tags are the observation's low-cardinality key-values as the
 * convention made them, so that a convention changes spans and series alike; by default:
 * <ul>
 * <li>{@code gen_ai.client.operation.duration} (seconds): {@code gen_ai.operation.name},
 * {@code gen_ai.provider.name}, {@code gen_ai.request.model},
 * {@code gen_ai.response.model} and {@code error.type};
 * <li>{@code gen_ai.client.token.usage} (tokens): the same but {@code error.type}, and
 * {@code gen_ai.token.type} ({@code input} or {@code output});
 * <li>{@code gen_ai.client.operation.time_to_first_chunk} (seconds), for streamed
 * responses only: the same as the token usage but {@code gen_ai.token.type};
 * <li>{@code gen_ai.client.operation.time_per_output_chunk} (seconds), for streamed
 * responses only, once for each chunk after the first: the time since the chunk before,
 * with the tags of the time to first chunk.
 * </ul>
 * Every series of a meter has the same tag keys, as Prometheus requires: a documented key
 * that does not apply (no error, an unknown model) has an empty value, which Prometheus
 * treats as absent. Meters are registered once per set of key-values and cached. The cost
 * of calls is counted from their {@link InferenceRecord} by {@link InferenceCostMeter}.
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
     * Name of the time per output chunk histogram.
     */
    public static final String TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";

    /**
     * Key of the kind of tokens counted by the token usage histogram.
     */
    public static final String TOKEN_TYPE = "gen_ai.token.type";

    static final double[] DURATION_BUCKETS = { 0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
            40.96, 81.92 };

    static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
            16777216, 67108864 };

    static final KeyName[] DOCUMENTED_KEYS = InferenceObservationDocumentation.INFERENCE.getLowCardinalityKeyNames();

    private static final Set<String> ERROR_TYPE = Set.of(ErrorTypes.KEY);

    private static final Duration[] DURATION_SLOS = durations(DURATION_BUCKETS);

    /**
     * Bucket boundaries of the time per output chunk, in seconds, the conventions' ones
     * for the time per output token.
     */
    static final double[] CHUNK_BUCKETS = { 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5 };

    private static final Duration[] CHUNK_SLOS = durations(CHUNK_BUCKETS);

    private final MeterRegistry registry;

    private final Clock clock;

    private final MeterCache<KeyValues, Meters> meters;

    /**
     * Create a handler.
     * @param registry the registry of the meters
     */
    public InferenceMeterObservationHandler(MeterRegistry registry) {
        this.registry = registry;
        this.clock = registry.config().clock();
        this.meters = new MeterCache<>((keyValues) -> new Meters(keyValues, this.registry));
    }

    @Override
    public void onStart(InferenceObservationContext context) {
        context.setStartNanos(this.clock.monotonicTime());
    }

    @Override
    public void onStop(InferenceObservationContext context) {
        if (!context.isDelegated()) {
            record(context, this.clock.monotonicTime() - context.getStartNanos());
        }
    }

    /**
     * Record the meters of a model call: its duration, its tokens and, if streamed, its
     * time to the first chunk, tagged with the context's low-cardinality key-values.
     * @param context the call, with its key-values
     * @param duration how long the call took, in nanoseconds
     */
    public void record(InferenceObservationContext context, long duration) {
        TokenUsage usage = context.getUsage();
        Meters meters = this.meters.get(context.getLowCardinalityKeyValues());
        meters.duration.record(duration, TimeUnit.NANOSECONDS);
        if (usage.inputTokens() >= 0) {
            meters.inputTokens().record(usage.inputTokens());
        }
        if (usage.outputTokens() >= 0) {
            meters.outputTokens().record(usage.outputTokens());
        }
        if (context.isStreaming()) {
            long timeToFirstChunk = context.getTimeToFirstChunkNanos();
            if (timeToFirstChunk >= 0) {
                meters.timeToFirstChunk().record(timeToFirstChunk, TimeUnit.NANOSECONDS);
            }
            if (context.getChunks() > 1) {
                Timer timePerChunk = meters.timePerOutputChunk();
                context.forEachChunkInterval((micros) -> timePerChunk.record(micros, TimeUnit.MICROSECONDS));
            }
        }
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof InferenceObservationContext;
    }

    private static Duration[] durations(double[] seconds) {
        Duration[] durations = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(seconds[i] * 1_000_000_000L));
        }
        return durations;
    }

    /**
     * The meters of one set of key-values; the token and time to first chunk histograms
     * are registered only when a call needs them, so that a failed call without usage
     * adds no token series.
     */
    private static final class Meters {

        private final Timer duration;

        private final Tags tags;

        private final MeterRegistry registry;

        private volatile @Nullable DistributionSummary inputTokens;

        private volatile @Nullable DistributionSummary outputTokens;

        private volatile @Nullable Timer timeToFirstChunk;

        private volatile @Nullable Timer timePerOutputChunk;

        Meters(KeyValues keyValues, MeterRegistry registry) {
            this.registry = registry;
            this.tags = ObservationTags.of(keyValues, DOCUMENTED_KEYS, ERROR_TYPE);
            this.duration = Timer.builder(DURATION)
                .description("GenAI operation duration")
                .tags(ObservationTags.of(keyValues, DOCUMENTED_KEYS))
                .serviceLevelObjectives(DURATION_SLOS)
                .register(registry);
        }

        DistributionSummary inputTokens() {
            DistributionSummary summary = this.inputTokens;
            if (summary == null) {
                summary = tokens("input");
                this.inputTokens = summary;
            }
            return summary;
        }

        DistributionSummary outputTokens() {
            DistributionSummary summary = this.outputTokens;
            if (summary == null) {
                summary = tokens("output");
                this.outputTokens = summary;
            }
            return summary;
        }

        private DistributionSummary tokens(String type) {
            return DistributionSummary.builder(TOKEN_USAGE)
                .description("Number of input and output tokens used")
                .tags(this.tags)
                .tag(TOKEN_TYPE, type)
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

        Timer timePerOutputChunk() {
            Timer timer = this.timePerOutputChunk;
            if (timer == null) {
                timer = Timer.builder(TIME_PER_OUTPUT_CHUNK)
                    .description("Time between consecutive chunks of a streamed response, after the first")
                    .tags(this.tags)
                    .serviceLevelObjectives(CHUNK_SLOS)
                    .register(this.registry);
                this.timePerOutputChunk = timer;
            }
            return timer;
        }

    }

}
