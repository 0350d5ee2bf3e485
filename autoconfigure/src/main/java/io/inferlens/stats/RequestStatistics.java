package io.inferlens.stats;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.InferenceRecordListener;
import io.inferlens.inference.TokenUsage;
import io.inferlens.privacy.Secrets;
import org.jspecify.annotations.Nullable;

/**
 * Rolling statistics of the last fifteen minutes of requests, per operation and per
 * generative AI model (from each call's {@link InferenceRecord}), in memory: counts,
 * errors, durations with a latency histogram, tokens and cost, in ten-second buckets of
 * time so that any window from ten seconds to fifteen minutes can be summed. What a
 * summary endpoint or a health indicator reads without a metrics backend.
 * <p>
 * Recording is lock-free and allocates nothing but, every ten seconds per key, the slot
 * of a new bucket of time. The number of operations and of models is capped: calls of
 * further ones are counted under {@value #OTHER}. Each key holds at most 90 slots of 61
 * longs, about 45 KB.
 * <p>
 * The {@link #summary() summary} counts HTTP server requests once one has been recorded,
 * and until then the top-level operations (those not nested in another recorded one), so
 * that an application without an HTTP server, such as a batch or a consumer, still has
 * figures, and an HTTP application does not count a request and its nested operations
 * twice.
 *
 * @author Inferlens
 */
public class RequestStatistics implements InferenceRecordListener {

    /**
     * Key under which the calls of operations or models beyond the cap are counted.
     */
    public static final String OTHER = "other";

    /**
     * Key of the calls to a model that is not known.
     */
    public static final String UNKNOWN_MODEL = "unknown";

    /**
     * {@link StatisticsSummary#source() Source} of a summary of HTTP server requests.
     */
    public static final String SOURCE_HTTP = "http";

    /**
     * {@link StatisticsSummary#source() Source} of a summary of top-level operations.
     */
    public static final String SOURCE_OPERATIONS = "operations";

    /**
     * Length of a bucket of time, the resolution of windows.
     */
    public static final Duration BUCKET = Duration.ofSeconds(10);

    /**
     * How long statistics are kept, the longest window.
     */
    public static final Duration RETENTION = Duration.ofMinutes(15);

    private static final long BUCKET_MILLIS = BUCKET.toMillis();

    private static final int SLOTS = (int) (RETENTION.toMillis() / BUCKET_MILLIS);

    private static final double NANOS_PER_MILLI = 1_000_000.0;

    private static final double NANO_USD_PER_USD = 1_000_000_000.0;

    private final Clock clock;

    private final long startMillis;

    private final Keys operations;

    private final Keys models;

    private final Series httpRequests = new Series(SLOTS);

    private final Series topLevelOperations = new Series(SLOTS);

    private volatile boolean httpSeen;

    /**
     * Create statistics on the system clock.
     * @param maxOperations the maximum number of operations kept apart
     * @param maxModels the maximum number of models kept apart
     */
    public RequestStatistics(int maxOperations, int maxModels) {
        this(maxOperations, maxModels, Clock.systemUTC());
    }

    /**
     * Create statistics.
     * @param maxOperations the maximum number of operations kept apart
     * @param maxModels the maximum number of models kept apart
     * @param clock the clock that places calls in buckets of time
     */
    public RequestStatistics(int maxOperations, int maxModels, Clock clock) {
        if (maxOperations < 1 || maxModels < 1) {
            throw new IllegalArgumentException(
                    "maxOperations and maxModels must be at least 1, but were " + maxOperations + " and " + maxModels);
        }
        this.clock = clock;
        this.startMillis = clock.millis();
        this.operations = new Keys(maxOperations);
        this.models = new Keys(maxModels);
    }

    /**
     * Record an HTTP server request, both as an operation and in the summary.
     * @param operation the operation, such as {@code http GET /models/{id}}
     * @param durationNanos its duration, in nanoseconds
     * @param error whether it failed
     */
    public void recordHttpRequest(String operation, long durationNanos, boolean error) {
        long epoch = epoch();
        long nanos = Math.max(durationNanos, 0);
        this.httpSeen = true;
        this.httpRequests.record(epoch, nanos, error, 0, 0, 0);
        this.operations.series(operation).record(epoch, nanos, error, 0, 0, 0);
    }

    /**
     * Record an operation other than an HTTP server request.
     * @param operation the operation name
     * @param durationNanos its duration, in nanoseconds
     * @param error whether it failed
     * @param topLevel whether it is not nested in another recorded operation or request,
     * and so counts in the summary when no HTTP request has been seen
     */
    public void recordOperation(String operation, long durationNanos, boolean error, boolean topLevel) {
        long epoch = epoch();
        long nanos = Math.max(durationNanos, 0);
        if (topLevel) {
            this.topLevelOperations.record(epoch, nanos, error, 0, 0, 0);
        }
        this.operations.series(operation).record(epoch, nanos, error, 0, 0, 0);
    }

    /**
     * Record a model call under the model asked, else the model that answered.
     * @param record the call
     */
    @Override
    public void onInference(InferenceRecord record) {
        TokenUsage usage = record.usage();
        recordModel(Secrets.safeName(record.model()), record.durationNanos(), record.failed(), usage.inputTokens(),
                usage.outputTokens(), record.hasCost() ? record.cost() : 0);
    }

    /**
     * Record a call to a generative AI model.
     * @param model the model, or {@code null} if not known
     * @param durationNanos its duration, in nanoseconds
     * @param error whether it failed
     * @param inputTokens input tokens, negative if not known
     * @param outputTokens output tokens, negative if not known
     * @param costUsd its cost in US dollars, 0 if not known
     */
    public void recordModel(@Nullable String model, long durationNanos, boolean error, long inputTokens,
            long outputTokens, double costUsd) {
        long costNanoUsd = (costUsd > 0) ? Math.round(costUsd * NANO_USD_PER_USD) : 0;
        this.models.series((model != null) ? model : UNKNOWN_MODEL)
            .record(epoch(), Math.max(durationNanos, 0), error, inputTokens, outputTokens, costNanoUsd);
    }

    /**
     * The requests of the last 1, 5 and 15 minutes.
     * @return the summary
     */
    public StatisticsSummary summary() {
        boolean http = this.httpSeen;
        Series series = http ? this.httpRequests : this.topLevelOperations;
        long now = this.clock.millis();
        return new StatisticsSummary(http ? SOURCE_HTTP : SOURCE_OPERATIONS,
                windowSummary(series, Duration.ofMinutes(1), now), windowSummary(series, Duration.ofMinutes(5), now),
                windowSummary(series, RETENTION, now));
    }

    /**
     * The requests of a window ending now, counted as in the {@link #summary() summary}.
     * @param window the window, rounded up to whole buckets of ten seconds and at most
     * fifteen minutes
     * @return the requests of the window
     */
    public WindowSummary requests(Duration window) {
        Series series = this.httpSeen ? this.httpRequests : this.topLevelOperations;
        return windowSummary(series, window, this.clock.millis());
    }

    /**
     * The operations of the last fifteen minutes, the busiest first.
     * @return the operations
     */
    public List<OperationStatistics> operations() {
        return operations(RETENTION);
    }

    /**
     * The operations of a window, the busiest first.
     * @param window the window, rounded up to whole buckets of ten seconds and at most
     * fifteen minutes
     * @return the operations with calls in the window
     */
    public List<OperationStatistics> operations(Duration window) {
        Window range = window(window, this.clock.millis());
        List<OperationStatistics> result = new ArrayList<>();
        this.operations.forEach((name, series) -> {
            Series.Aggregate aggregate = range.aggregate(series);
            if (aggregate.count() > 0) {
                result.add(operationStatistics(name, aggregate));
            }
        });
        result.sort(Comparator.comparingLong(OperationStatistics::count)
            .reversed()
            .thenComparing(OperationStatistics::name));
        return result;
    }

    /**
     * The models called in the last fifteen minutes, the busiest first.
     * @return the models
     */
    public List<ModelStatistics> models() {
        return models(RETENTION);
    }

    /**
     * The models called in a window, the busiest first.
     * @param window the window, rounded up to whole buckets of ten seconds and at most
     * fifteen minutes
     * @return the models with calls in the window
     */
    public List<ModelStatistics> models(Duration window) {
        Window range = window(window, this.clock.millis());
        List<ModelStatistics> result = new ArrayList<>();
        this.models.forEach((name, series) -> {
            Series.Aggregate aggregate = range.aggregate(series);
            long count = aggregate.count();
            if (count > 0) {
                result.add(new ModelStatistics(name, count, aggregate.get(Series.ERRORS),
                        aggregate.get(Series.INPUT_TOKENS), aggregate.get(Series.OUTPUT_TOKENS),
                        aggregate.get(Series.COST_NANO_USD) / NANO_USD_PER_USD, meanMillis(aggregate),
                        aggregate.quantileNanos(0.95) / NANOS_PER_MILLI));
            }
        });
        result
            .sort(Comparator.comparingLong(ModelStatistics::requests).reversed().thenComparing(ModelStatistics::model));
        return result;
    }

    private WindowSummary windowSummary(Series series, Duration length, long now) {
        Window range = window(length, now);
        Series.Aggregate aggregate = range.aggregate(series);
        long requests = aggregate.count();
        long errors = aggregate.get(Series.ERRORS);
        double errorRate = (requests > 0) ? (double) errors / requests : 0;
        return new WindowSummary(length, requests, errors, errorRate, requests / range.coveredSeconds(),
                meanMillis(aggregate), aggregate.quantileNanos(0.95) / NANOS_PER_MILLI);
    }

    private static OperationStatistics operationStatistics(String name, Series.Aggregate aggregate) {
        List<HistogramBucket> histogram = new ArrayList<>();
        for (int i = 0; i < LatencyBuckets.COUNT; i++) {
            long count = aggregate.bucket(i);
            if (count > 0) {
                long upper = (i < LatencyBuckets.UPPER_BOUNDS.length) ? LatencyBuckets.UPPER_BOUNDS[i]
                        : aggregate.maxNanos();
                histogram.add(new HistogramBucket(upper / NANOS_PER_MILLI, count));
            }
        }
        return new OperationStatistics(name, aggregate.count(), aggregate.get(Series.ERRORS),
                aggregate.get(Series.TOTAL_NANOS) / NANOS_PER_MILLI, meanMillis(aggregate),
                aggregate.minNanos() / NANOS_PER_MILLI, aggregate.maxNanos() / NANOS_PER_MILLI,
                aggregate.quantileNanos(0.5) / NANOS_PER_MILLI, aggregate.quantileNanos(0.95) / NANOS_PER_MILLI,
                aggregate.quantileNanos(0.99) / NANOS_PER_MILLI, List.copyOf(histogram));
    }

    private static double meanMillis(Series.Aggregate aggregate) {
        long count = aggregate.count();
        return (count > 0) ? aggregate.get(Series.TOTAL_NANOS) / NANOS_PER_MILLI / count : 0;
    }

    private long epoch() {
        return Math.floorDiv(this.clock.millis(), BUCKET_MILLIS);
    }

    /**
     * The buckets of time of a window ending now: the current bucket and the whole ones
     * before it.
     */
    private Window window(Duration length, long now) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("window must be positive, but was " + length);
        }
        long buckets = Math.min(SLOTS, Math.max(1, (length.toMillis() + BUCKET_MILLIS - 1) / BUCKET_MILLIS));
        long lastEpoch = Math.floorDiv(now, BUCKET_MILLIS);
        long firstEpoch = lastEpoch - buckets + 1;
        // Throughput is over the time the window's buckets actually cover: up to now, and
        // not before the statistics began; at least a second, so that a first call does
        // not read as a huge rate.
        long from = Math.max(firstEpoch * BUCKET_MILLIS, this.startMillis);
        double coveredSeconds = Math.max(now - from, 1000) / 1000.0;
        return new Window(firstEpoch, lastEpoch, coveredSeconds);
    }

    private record Window(long firstEpoch, long lastEpoch, double coveredSeconds) {

        Series.Aggregate aggregate(Series series) {
            Series.Aggregate aggregate = new Series.Aggregate();
            series.addTo(this.firstEpoch, this.lastEpoch, aggregate);
            return aggregate;
        }

    }

    /**
     * Series by key, at most a maximum number of them; further keys share the series of
     * {@value #OTHER}.
     */
    private static final class Keys {

        private final Map<String, Series> series = new ConcurrentHashMap<>();

        private final Series other = new Series(SLOTS);

        private final AtomicInteger size = new AtomicInteger();

        private final int max;

        Keys(int max) {
            this.max = max;
        }

        Series series(String key) {
            Series series = this.series.get(key);
            if (series != null) {
                return series;
            }
            if (this.size.get() >= this.max || OTHER.equals(key)) {
                return this.other;
            }
            series = this.series.computeIfAbsent(key,
                    (k) -> (this.size.incrementAndGet() <= this.max) ? new Series(SLOTS) : null);
            return (series != null) ? series : this.other;
        }

        void forEach(BiConsumer<String, Series> action) {
            this.series.forEach(action);
            action.accept(OTHER, this.other);
        }

    }

}
