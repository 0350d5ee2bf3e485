package io.inferlens.errors;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link RecentErrors}.
 *
 * @author Inferlens
 */
class RecentErrorsTests {

    @Test
    void groupKeepsCountFirstAndLastSeenAndLastMessage() {
        RecentErrors store = new RecentErrors(10, 10);
        store.record(error("A", 1, "first", "t1"));
        store.record(error("A", 5, "second", "t2"));
        assertThat(store.group("A")).satisfies((group) -> {
            assertThat(group.count()).isEqualTo(2);
            assertThat(group.firstSeen()).isEqualTo(Instant.ofEpochSecond(1));
            assertThat(group.lastSeen()).isEqualTo(Instant.ofEpochSecond(5));
            assertThat(group.lastMessage()).isEqualTo("second");
            assertThat(group.recentTraceIds()).containsExactly("t2", "t1");
        });
        assertThat(store.group("B")).isNull();
    }

    @Test
    void groupsComeMostRecentlySeenFirst() {
        RecentErrors store = new RecentErrors(10, 10);
        store.record(error("A", 1, "m", "t"));
        store.record(error("B", 2, "m", "t"));
        store.record(error("A", 3, "m", "t"));
        assertThat(store.groups()).extracting(ErrorGroup::fingerprint).containsExactly("A", "B");
    }

    @Test
    void leastRecentlySeenGroupIsEvictedAtCapacity() {
        RecentErrors store = new RecentErrors(2, 10);
        store.record(error("A", 1, "m", "t"));
        store.record(error("B", 2, "m", "t"));
        store.record(error("A", 3, "m", "t"));
        store.record(error("C", 4, "m", "t"));
        assertThat(store.groups()).extracting(ErrorGroup::fingerprint).containsExactly("C", "A");
    }

    @Test
    void traceIdsAreBoundedDistinctAndNewestFirst() {
        RecentErrors store = new RecentErrors(10, 3);
        for (String traceId : List.of("t1", "t2", "t3", "t2", "t4")) {
            store.record(error("A", 1, "m", traceId));
        }
        store.record(error("A", 1, "m", null));
        assertThat(store.group("A").recentTraceIds()).containsExactly("t4", "t2", "t3");
        assertThat(store.group("A").count()).isEqualTo(6);
    }

    @Test
    void noTraceIdsAreKeptWhenTheirMaximumIsZero() {
        RecentErrors store = new RecentErrors(10, 0);
        store.record(error("A", 1, "m", "t1"));
        assertThat(store.group("A").recentTraceIds()).isEmpty();
    }

    @Test
    void snapshotsDoNotChangeAfterwards() {
        RecentErrors store = new RecentErrors(10, 10);
        store.record(error("A", 1, "m", "t1"));
        ErrorGroup snapshot = store.group("A");
        store.record(error("A", 2, "m", "t2"));
        assertThat(snapshot.count()).isEqualTo(1);
        assertThat(snapshot.recentTraceIds()).containsExactly("t1");
    }

    @Test
    void clearForgetsEverything() {
        RecentErrors store = new RecentErrors(10, 10);
        store.record(error("A", 1, "m", "t1"));
        store.clear();
        assertThat(store.groups()).isEmpty();
        assertThat(store.totalCount()).isZero();
    }

    @Test
    void impossibleBoundsAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RecentErrors(0, 1));
        assertThatIllegalArgumentException().isThrownBy(() -> new RecentErrors(1, -1));
    }

    @Test
    void concurrentRecordsStayWithinBoundsAndCountExactlyWhileNothingIsEvicted() throws Exception {
        RecentErrors bounded = new RecentErrors(50, 5);
        RecentErrors roomy = new RecentErrors(1000, 5);
        int threads = 8;
        int perThread = 5_000;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        CapturedError error = error("F" + (i % 200), i, "m", "trace-" + thread + "-" + i);
                        bounded.record(error);
                        roomy.record(error);
                        if (i % 100 == 0) {
                            assertThat(bounded.groups().size()).isLessThanOrEqualTo(50);
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(bounded.groups()).hasSize(50)
            .allSatisfy((group) -> assertThat(group.recentTraceIds()).hasSizeBetween(1, 5));
        assertThat(roomy.groups()).hasSize(200)
            .allSatisfy((group) -> assertThat(group.count()).isEqualTo(threads * perThread / 200));
        assertThat(roomy.totalCount()).isEqualTo(threads * perThread);
    }

    private static CapturedError error(String fingerprint, long second, String message, String traceId) {
        return new CapturedError(Instant.ofEpochSecond(second), Severity.ERROR, "java.lang.IllegalStateException",
                "IllegalStateException", message, fingerprint, null, "op", traceId, null, Map.of(), null);
    }

}
