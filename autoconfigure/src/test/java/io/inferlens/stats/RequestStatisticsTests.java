package io.inferlens.stats;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link RequestStatistics}, on a clock moved by hand.
 *
 * @author Inferlens
 */
class RequestStatisticsTests {

    /**
     * The start of a bucket of time, so that offsets from it fall in predictable buckets.
     */
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private static final long MS = 1_000_000L;

    private final MutableClock clock = new MutableClock(START);

    private final RequestStatistics statistics = new RequestStatistics(200, 100, this.clock);

    @Test
    void windowsOfOneFiveAndFifteenMinutesRollWithTheClock() {
        at(Duration.ofSeconds(5));
        calls("a", 1);
        at(Duration.ofMinutes(2));
        calls("a", 2);
        at(Duration.ofMinutes(10));
        calls("a", 3);
        at(Duration.ofMinutes(10).plusSeconds(5));
        assertRequests(3, 3, 6);
        at(Duration.ofMinutes(10).plusSeconds(59));
        assertRequests(3, 3, 6);
        at(Duration.ofMinutes(11));
        assertRequests(0, 3, 6);
        at(Duration.ofMinutes(14).plusSeconds(55));
        assertRequests(0, 3, 6);
        at(Duration.ofMinutes(15));
        assertRequests(0, 0, 5);
        at(Duration.ofMinutes(15).plusSeconds(5));
        calls("a", 4);
        assertRequests(4, 4, 9);
        assertThat(this.statistics.operations()).singleElement().extracting(OperationStatistics::count).isEqualTo(9L);
        at(Duration.ofMinutes(40));
        assertRequests(0, 0, 0);
        assertThat(this.statistics.operations()).isEmpty();
    }

    @Test
    void errorRateAndThroughputAreExactOverTheTimeEachWindowCovers() {
        at(Duration.ofMinutes(10));
        for (int i = 0; i < 300; i++) {
            this.statistics.recordOperation("a", 5 * MS, i % 10 == 0, true);
        }
        at(Duration.ofMinutes(10).plusSeconds(30));
        StatisticsSummary summary = this.statistics.summary();
        assertThat(summary.source()).isEqualTo(RequestStatistics.SOURCE_OPERATIONS);
        // 1 minute: the current bucket (10:30-10:40) and five before, from 09:40
        assertThat(summary.lastMinute()).satisfies((window) -> {
            assertThat(window.window()).isEqualTo(Duration.ofMinutes(1));
            assertThat(window.requests()).isEqualTo(300);
            assertThat(window.errors()).isEqualTo(30);
            assertThat(window.errorRate()).isEqualTo(0.1);
            assertThat(window.throughput()).isEqualTo(300 / 50.0);
            assertThat(window.meanMillis()).isEqualTo(5.0);
        });
        // 5 minutes: from 05:40
        assertThat(summary.lastFiveMinutes().throughput()).isEqualTo(300 / 290.0);
        assertThat(summary.lastFiveMinutes().errorRate()).isEqualTo(0.1);
        // 15 minutes: the window begins before the statistics did, at 00:00
        assertThat(summary.lastFifteenMinutes().throughput()).isEqualTo(300 / 630.0);
    }

    @Test
    void emptyWindowsHaveNoErrorRateNorThroughput() {
        at(Duration.ofMinutes(3));
        WindowSummary window = this.statistics.summary().lastFiveMinutes();
        assertThat(window.requests()).isZero();
        assertThat(window.errorRate()).isZero();
        assertThat(window.throughput()).isZero();
        assertThat(window.p95Millis()).isZero();
    }

    @Test
    void summaryCountsTopLevelOperationsUntilAnHttpRequestIsSeenThenOnlyHttpRequests() {
        this.statistics.recordOperation("batch.run", 10 * MS, false, true);
        this.statistics.recordOperation("chat", 8 * MS, true, false);
        assertThat(this.statistics.summary().lastMinute().requests()).isEqualTo(1);
        assertThat(this.statistics.summary().lastMinute().errors()).isZero();
        this.statistics.recordHttpRequest("http GET /models", 20 * MS, true);
        StatisticsSummary summary = this.statistics.summary();
        assertThat(summary.source()).isEqualTo(RequestStatistics.SOURCE_HTTP);
        assertThat(summary.lastMinute().requests()).isEqualTo(1);
        assertThat(summary.lastMinute().errors()).isEqualTo(1);
        assertThat(this.statistics.operations()).extracting(OperationStatistics::name)
            .containsExactlyInAnyOrder("batch.run", "chat", "http GET /models");
    }

    @Test
    void minMaxMeanTotalAndPercentilesOfAUniformDistribution() {
        for (int i = 1; i <= 1000; i++) {
            record("a", i);
        }
        OperationStatistics operation = this.statistics.operations().get(0);
        assertThat(operation.count()).isEqualTo(1000);
        assertThat(operation.minMillis()).isEqualTo(1.0);
        assertThat(operation.maxMillis()).isEqualTo(1000.0);
        assertThat(operation.totalMillis()).isEqualTo(500_500.0);
        assertThat(operation.meanMillis()).isEqualTo(500.5);
        assertWithinOneBucket(operation.p50Millis(), 500);
        assertWithinOneBucket(operation.p95Millis(), 950);
        assertWithinOneBucket(operation.p99Millis(), 990);
    }

    @Test
    void percentilesOfALogNormalDistributionAreWithinOneBucketOfTheTrueValues() {
        Random random = new Random(42);
        long[] nanos = new long[20_000];
        for (int i = 0; i < nanos.length; i++) {
            nanos[i] = Math.round(Math.exp(3.5 + 1.2 * random.nextGaussian()) * MS);
            this.statistics.recordOperation("lognormal", nanos[i], false, true);
        }
        Arrays.sort(nanos);
        OperationStatistics operation = this.statistics.operations().get(0);
        assertWithinOneBucket(operation.p50Millis(), trueQuantile(nanos, 0.5));
        assertWithinOneBucket(operation.p95Millis(), trueQuantile(nanos, 0.95));
        assertWithinOneBucket(operation.p99Millis(), trueQuantile(nanos, 0.99));
        assertThat(operation.minMillis()).isEqualTo(nanos[0] / (double) MS);
        assertThat(operation.maxMillis()).isEqualTo(nanos[nanos.length - 1] / (double) MS);
    }

    @Test
    void percentilesOfASingleDurationAreThatDuration() {
        this.statistics.recordOperation("a", 37 * MS, false, true);
        OperationStatistics operation = this.statistics.operations().get(0);
        assertThat(operation.p50Millis()).isEqualTo(37.0);
        assertThat(operation.p99Millis()).isEqualTo(37.0);
    }

    @Test
    void histogramListsTheNonEmptyBucketsWithTheLongestDurationBoundingTheLast() {
        record("a", 1);
        record("a", 1);
        record("a", 3);
        record("a", 200_000);
        List<HistogramBucket> histogram = this.statistics.operations().get(0).histogram();
        assertThat(histogram).containsExactly(new HistogramBucket(1.0, 2), new HistogramBucket(3.174802, 1),
                new HistogramBucket(200_000.0, 1));
    }

    @Test
    void windowOfOperationsIsChosenByTheCaller() {
        record("old", 1);
        at(Duration.ofMinutes(5));
        record("new", 1);
        assertThat(this.statistics.operations(Duration.ofMinutes(1))).extracting(OperationStatistics::name)
            .containsExactly("new");
        assertThat(this.statistics.operations(Duration.ofHours(1))).extracting(OperationStatistics::name)
            .containsExactly("new", "old");
        assertThatIllegalArgumentException().isThrownBy(() -> this.statistics.operations(Duration.ZERO))
            .withMessageContaining("window");
    }

    @Test
    void operationsAreSortedBusiestFirst() {
        record("b", 1);
        record("a", 1);
        record("c", 1);
        record("c", 1);
        assertThat(this.statistics.operations()).extracting(OperationStatistics::name).containsExactly("c", "a", "b");
    }

    @Test
    void operationsBeyondTheCapAreCountedUnderOther() {
        RequestStatistics capped = new RequestStatistics(2, 1, this.clock);
        capped.recordOperation("a", MS, false, true);
        capped.recordOperation("b", MS, false, true);
        capped.recordOperation("c", MS, true, true);
        capped.recordOperation("d", 3 * MS, false, true);
        capped.recordOperation("a", MS, false, true);
        assertThat(capped.operations())
            .extracting(OperationStatistics::name, OperationStatistics::count, OperationStatistics::errors)
            .containsExactly(org.assertj.core.groups.Tuple.tuple("a", 2L, 0L),
                    org.assertj.core.groups.Tuple.tuple("other", 2L, 1L),
                    org.assertj.core.groups.Tuple.tuple("b", 1L, 0L));
    }

    @Test
    void modelsBeyondTheCapAreCountedUnderOtherWithTheirTokensAndCost() {
        RequestStatistics capped = new RequestStatistics(10, 1, this.clock);
        capped.recordModel("sim-small", 10 * MS, false, 100, 20, 0.001);
        capped.recordModel("sim-large", 30 * MS, false, 1000, 200, 0.0123);
        capped.recordModel(null, 50 * MS, true, -1, -1, 0);
        assertThat(capped.models()).hasSize(2);
        ModelStatistics other = capped.models().get(0);
        assertThat(other.model()).isEqualTo("other");
        assertThat(other.requests()).isEqualTo(2);
        assertThat(other.errors()).isEqualTo(1);
        assertThat(other.inputTokens()).isEqualTo(1000);
        assertThat(other.outputTokens()).isEqualTo(200);
        assertThat(other.costUsd()).isCloseTo(0.0123, within(1e-12));
        assertThat(other.meanMillis()).isEqualTo(40.0);
        ModelStatistics small = capped.models().get(1);
        assertThat(small).isEqualTo(new ModelStatistics("sim-small", 1, 0, 100, 20, 0.001, 10.0, 10.0));
    }

    @Test
    void modelsSumTokensAndCostOverTheWindow() {
        for (int i = 0; i < 3; i++) {
            this.statistics.recordModel("sim-small", (10 + i) * MS, i == 2, 1000, 500, 0.00045);
        }
        this.statistics.recordModel(null, MS, false, -1, -1, 0);
        assertThat(this.statistics.models()).extracting(ModelStatistics::model).containsExactly("sim-small", "unknown");
        ModelStatistics model = this.statistics.models().get(0);
        assertThat(model.requests()).isEqualTo(3);
        assertThat(model.errors()).isEqualTo(1);
        assertThat(model.inputTokens()).isEqualTo(3000);
        assertThat(model.outputTokens()).isEqualTo(1500);
        assertThat(model.costUsd()).isCloseTo(0.00135, within(1e-12));
        assertThat(model.meanMillis()).isEqualTo(11.0);
        assertThat(model.p95Millis()).isEqualTo(12.0);
        at(Duration.ofMinutes(16));
        assertThat(this.statistics.models()).isEmpty();
    }

    @Test
    void eightThreadsRecordingConcurrentlyWhileTheClockMovesLoseNothing() throws Exception {
        int threads = 8;
        int perThread = 50_000;
        ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch ready = new CountDownLatch(threads + 1);
        AtomicBoolean done = new AtomicBoolean();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    ready.countDown();
                    await(ready);
                    for (int i = 0; i < perThread; i++) {
                        long nanos = (1 + (i % 100)) * MS + thread;
                        this.statistics.recordOperation("op-" + (i % 4), nanos, i % 10 == 0, true);
                        this.statistics.recordModel("model-" + (i % 3), nanos, false, 2, 1, 0.000001);
                    }
                }));
            }
            Future<?> ticker = executor.submit(() -> {
                ready.countDown();
                await(ready);
                // Moves through 5 minutes of buckets while the threads record.
                for (int i = 0; i < 30 && !done.get(); i++) {
                    this.clock.advance(Duration.ofSeconds(10));
                    Thread.yield();
                }
            });
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            done.set(true);
            ticker.get(60, TimeUnit.SECONDS);
        }
        finally {
            executor.shutdownNow();
        }
        long total = (long) threads * perThread;
        List<OperationStatistics> operations = this.statistics.operations();
        assertThat(operations).hasSize(4);
        assertThat(operations.stream().mapToLong(OperationStatistics::count).sum()).isEqualTo(total);
        assertThat(operations.stream().mapToLong(OperationStatistics::errors).sum()).isEqualTo(total / 10);
        long expectedNanos = 0;
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                expectedNanos += (1 + (i % 100)) * MS + t;
            }
        }
        assertThat(operations.stream().mapToDouble(OperationStatistics::totalMillis).sum())
            .isCloseTo(expectedNanos / (double) MS, within(1e-3));
        // op-k gets the calls with i % 4 == k, so durations from (1 + k) ms to (97 + k)
        // ms
        // plus the thread's number of nanoseconds
        for (int k = 0; k < 4; k++) {
            OperationStatistics operation = operations.get(k);
            int key = Integer.parseInt(operation.name().substring(3));
            assertThat(operation.minMillis()).isEqualTo(1.0 + key);
            assertThat(operation.maxMillis()).isEqualTo(((97 + key) * MS + threads - 1) / (double) MS);
        }
        assertThat(operations).allSatisfy((operation) -> {
            assertThat(operation.histogram().stream().mapToLong(HistogramBucket::count).sum())
                .isEqualTo(operation.count());
        });
        assertThat(this.statistics.summary().lastFifteenMinutes().requests()).isEqualTo(total);
        List<ModelStatistics> models = this.statistics.models();
        assertThat(models.stream().mapToLong(ModelStatistics::requests).sum()).isEqualTo(total);
        assertThat(models.stream().mapToLong(ModelStatistics::inputTokens).sum()).isEqualTo(2 * total);
        assertThat(models.stream().mapToLong(ModelStatistics::outputTokens).sum()).isEqualTo(total);
        assertThat(models.stream().mapToDouble(ModelStatistics::costUsd).sum()).isCloseTo(total * 0.000001,
                within(1e-9));
    }

    @Test
    void manyThreadsAddingKeysKeepExactlyTheCapApart() throws Exception {
        RequestStatistics capped = new RequestStatistics(50, 1, this.clock);
        ExecutorService executor = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        capped.recordOperation("op-" + thread + "-" + i, MS, false, true);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        List<OperationStatistics> operations = capped.operations();
        assertThat(operations).hasSize(51);
        assertThat(operations.get(0)).extracting(OperationStatistics::name, OperationStatistics::count)
            .containsExactly("other", 8000L - 50);
    }

    @Test
    void capsMustBeAtLeastOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RequestStatistics(0, 1))
            .withMessageContaining("maxOperations");
    }

    private void at(Duration sinceStart) {
        long target = START.plus(sinceStart).toEpochMilli();
        this.clock.advance(Duration.ofMillis(target - this.clock.millis()));
    }

    private void record(String operation, long millis) {
        this.statistics.recordOperation(operation, millis * MS, false, true);
    }

    private void calls(String operation, int count) {
        for (int i = 0; i < count; i++) {
            record(operation, 1);
        }
    }

    private void assertRequests(long lastMinute, long lastFiveMinutes, long lastFifteenMinutes) {
        StatisticsSummary summary = this.statistics.summary();
        assertThat(summary.lastMinute().requests()).as("last minute").isEqualTo(lastMinute);
        assertThat(summary.lastFiveMinutes().requests()).as("last five minutes").isEqualTo(lastFiveMinutes);
        assertThat(summary.lastFifteenMinutes().requests()).as("last fifteen minutes").isEqualTo(lastFifteenMinutes);
    }

    private static double trueQuantile(long[] sortedNanos, double quantile) {
        int rank = (int) Math.ceil(quantile * sortedNanos.length);
        return sortedNanos[rank - 1] / (double) MS;
    }

    private static void assertWithinOneBucket(double estimateMillis, double trueMillis) {
        int bucket = LatencyBuckets.index(Math.round(trueMillis * MS));
        double width = (LatencyBuckets.UPPER_BOUNDS[bucket] - LatencyBuckets.lowerBound(bucket)) / (double) MS;
        assertThat(estimateMillis).as("estimate of %s ms", trueMillis).isCloseTo(trueMillis, within(width));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

}
