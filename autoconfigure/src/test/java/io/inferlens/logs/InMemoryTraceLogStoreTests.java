package io.inferlens.logs;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryTraceLogStore}.
 *
 * @author Inferlens
 */
class InMemoryTraceLogStoreTests {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private final InMemoryTraceLogStore store = new InMemoryTraceLogStore(3, 4, 20, LogLevel.INFO);

    @Test
    void eventsOfATraceAreReturnedInTheOrderTheyWereAppended() {
        this.store.append(event("t1", LogLevel.INFO, "one"));
        this.store.append(event("t2", LogLevel.INFO, "other"));
        this.store.append(event("t1", LogLevel.WARN, "two"));
        this.store.append(event("t1", LogLevel.ERROR, "three"));
        assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::message).containsExactly("one", "two", "three");
        assertThat(this.store.forTrace("t2")).extracting(TraceLogEvent::message).containsExactly("other");
        assertThat(this.store.forTrace("unknown")).isEmpty();
    }

    @Test
    void eventsAreReturnedWithEveryField() {
        TraceLogEvent event = new TraceLogEvent(NOW, LogLevel.WARN, "com.example.Chat", "worker-1", "slow model", "t1",
                "s1", "java.io.IOException", "timed out", Map.of("model", "gpt-4o"));
        this.store.append(event);
        assertThat(this.store.forTrace("t1")).containsExactly(event);
    }

    @Test
    void eventsBelowTheLevelAreNotKept() {
        this.store.append(event("t1", LogLevel.DEBUG, "debug"));
        this.store.append(event("t1", LogLevel.TRACE, "trace"));
        this.store.append(event("t1", LogLevel.INFO, "info"));
        assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::message).containsExactly("info");
        assertThat(this.store.isEnabled(LogLevel.DEBUG)).isFalse();
        assertThat(this.store.isEnabled(LogLevel.INFO)).isTrue();
        assertThat(this.store.isEnabled(LogLevel.ERROR)).isTrue();
    }

    @Test
    void aTraceOnlyWithEventsBelowTheLevelIsNotKept() {
        this.store.append(event("t1", LogLevel.DEBUG, "debug"));
        assertThat(this.store.traceCount()).isZero();
    }

    @Test
    void eventsOfATraceCanBeReadFromALevel() {
        this.store.append(event("t1", LogLevel.INFO, "info"));
        this.store.append(event("t1", LogLevel.ERROR, "error"));
        this.store.append(event("t1", LogLevel.WARN, "warn"));
        assertThat(this.store.forTrace("t1", LogLevel.WARN)).extracting(TraceLogEvent::message)
            .containsExactly("error", "warn");
    }

    @Test
    void oldestEventsOfAFullTraceAreDroppedAndCounted() {
        for (int i = 1; i <= 7; i++) {
            this.store.append(event("t1", LogLevel.INFO, "m" + i));
        }
        this.store.append(event("t2", LogLevel.INFO, "x"));
        assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::message)
            .containsExactly("m4", "m5", "m6", "m7");
        assertThat(this.store.droppedEvents("t1")).isEqualTo(3);
        assertThat(this.store.droppedEvents("t2")).isZero();
        assertThat(this.store.droppedEvents("unknown")).isZero();
        assertThat(this.store.droppedEvents()).isEqualTo(3);
        assertThat(this.store.eventCount()).isEqualTo(5);
    }

    @Test
    void leastRecentlyWrittenTraceIsEvictedWhenANewTraceArrivesAndTheStoreIsFull() {
        this.store.append(event("t1", LogLevel.INFO, "a"));
        this.store.append(event("t2", LogLevel.INFO, "b"));
        this.store.append(event("t3", LogLevel.INFO, "c"));
        // t1 is the oldest trace but was written last: t2 is the least recently written.
        this.store.append(event("t1", LogLevel.INFO, "d"));
        this.store.append(event("t4", LogLevel.INFO, "e"));
        assertThat(this.store.forTrace("t2")).isEmpty();
        assertThat(this.store.forTrace("t1")).extracting(TraceLogEvent::message).containsExactly("a", "d");
        assertThat(this.store.traceCount()).isEqualTo(3);
        assertThat(this.store.evictedTraces()).isEqualTo(1);
        // Then t3, then t1 (written before t4), then t4 as the order of last writes says.
        this.store.append(event("t3", LogLevel.INFO, "f"));
        this.store.append(event("t5", LogLevel.INFO, "g"));
        assertThat(this.store.forTrace("t1")).isEmpty();
        this.store.append(event("t6", LogLevel.INFO, "h"));
        assertThat(this.store.forTrace("t4")).isEmpty();
        assertThat(this.store.forTrace("t3")).extracting(TraceLogEvent::message).containsExactly("c", "f");
        assertThat(this.store.evictedTraces()).isEqualTo(3);
    }

    @Test
    void evictionFollowsTheOrderOfLastWritesAcrossManyTraces() {
        InMemoryTraceLogStore store = new InMemoryTraceLogStore(100, 10, 100, LogLevel.INFO);
        for (int i = 0; i < 100; i++) {
            store.append(event("t" + i, LogLevel.INFO, "first"));
        }
        // Rewrite the even traces, in reverse: the odd ones are now the least recent.
        for (int i = 98; i >= 0; i -= 2) {
            store.append(event("t" + i, LogLevel.INFO, "again"));
        }
        for (int i = 0; i < 50; i++) {
            store.append(event("new" + i, LogLevel.INFO, "new"));
        }
        for (int i = 0; i < 100; i++) {
            assertThat(store.forTrace("t" + i)).as("t" + i).hasSize((i % 2 == 0) ? 2 : 0);
        }
        // Next out: the even traces in the order they were rewritten, 98 first.
        store.append(event("newer", LogLevel.INFO, "new"));
        assertThat(store.forTrace("t98")).isEmpty();
        assertThat(store.forTrace("t96")).hasSize(2);
        assertThat(store.traceCount()).isEqualTo(100);
    }

    @Test
    void recentReturnsTheNewestEventsAcrossTracesNewestFirst() {
        this.store.append(event("t1", LogLevel.INFO, "1"));
        this.store.append(event("t2", LogLevel.ERROR, "2"));
        this.store.append(event("t1", LogLevel.WARN, "3"));
        this.store.append(event("t3", LogLevel.INFO, "4"));
        this.store.append(event("t2", LogLevel.ERROR, "5"));
        this.store.append(event("t1", LogLevel.INFO, "6"));
        assertThat(this.store.recent(LogLevel.INFO, 10)).extracting(TraceLogEvent::message)
            .containsExactly("6", "5", "4", "3", "2", "1");
        assertThat(this.store.recent(LogLevel.INFO, 3)).extracting(TraceLogEvent::message)
            .containsExactly("6", "5", "4");
        assertThat(this.store.recent(LogLevel.WARN, 10)).extracting(TraceLogEvent::message)
            .containsExactly("5", "3", "2");
        assertThat(this.store.recent(LogLevel.ERROR, 1)).extracting(TraceLogEvent::message).containsExactly("5");
        assertThat(this.store.recent(LogLevel.INFO, 0)).isEmpty();
        assertThatIllegalArgumentException().isThrownBy(() -> this.store.recent(LogLevel.INFO, -1));
    }

    @Test
    void longMessagesAreTruncated() {
        this.store.append(new TraceLogEvent(NOW, LogLevel.ERROR, "l", "main", "x".repeat(50), "t1", null,
                "java.lang.IllegalStateException", "y".repeat(50), Map.of("k", "z".repeat(50))));
        TraceLogEvent kept = this.store.forTrace("t1").get(0);
        assertThat(kept.message()).hasSize(20).isEqualTo("x".repeat(19) + "…");
        assertThat(kept.throwableMessage()).isEqualTo("y".repeat(19) + "…");
        assertThat(kept.keyValues()).containsExactly(Map.entry("k", "z".repeat(19) + "…"));
    }

    @Test
    void keyValuePairsAreCappedInTheirOrder() {
        Map<String, String> keyValues = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            keyValues.put("k" + i, "v" + i);
        }
        this.store.append(new TraceLogEvent(NOW, LogLevel.INFO, "l", "main", "m", "t1", null, null, null, keyValues));
        Map<String, String> kept = this.store.forTrace("t1").get(0).keyValues();
        assertThat(kept).hasSize(InMemoryTraceLogStore.MAX_KEY_VALUES);
        assertThat(kept.keySet()).first().isEqualTo("k0");
        assertThat(kept.keySet()).last().isEqualTo("k31");
    }

    @Test
    void secretsAreKeptRawButNeverReadBackUnmasked() {
        InMemoryTraceLogStore store = new InMemoryTraceLogStore(10, 10, 2000, LogLevel.INFO);
        store.append(new TraceLogEvent(NOW, LogLevel.ERROR, "l", "main",
                "calling with Authorization: Bearer abc and api_key=sk-live1234567890", "t1", null,
                "java.lang.IllegalStateException", "rejected token=hunter2",
                Map.of("authorization", "Bearer abc", "apiKey", "sk-live1234567890", "model", "gpt-4o")));
        List<TraceLogEvent> reads = new ArrayList<>(store.forTrace("t1"));
        reads.addAll(store.forTrace("t1", LogLevel.ERROR));
        reads.addAll(store.recent(LogLevel.INFO, 10));
        assertThat(reads).hasSize(3).allSatisfy((event) -> {
            assertThat(event.toString()).doesNotContain("abc", "sk-live1234567890", "hunter2");
            assertThat(event.message()).isEqualTo("calling with Authorization: Bearer **** and api_key=****");
            assertThat(event.throwableMessage()).isEqualTo("rejected token=****");
            assertThat(event.keyValues()).containsEntry("authorization", "Bearer ****")
                .containsEntry("apiKey", "****")
                .containsEntry("model", "gpt-4o");
        });
    }

    @Test
    void clearForgetsEveryTraceAndFreesTheirSlots() {
        this.store.append(event("t1", LogLevel.INFO, "a"));
        this.store.append(event("t2", LogLevel.INFO, "b"));
        this.store.clear();
        assertThat(this.store.traceCount()).isZero();
        assertThat(this.store.forTrace("t1")).isEmpty();
        assertThat(this.store.recent(LogLevel.TRACE, 10)).isEmpty();
        this.store.append(event("t3", LogLevel.INFO, "c"));
        this.store.append(event("t4", LogLevel.INFO, "d"));
        this.store.append(event("t5", LogLevel.INFO, "e"));
        assertThat(this.store.traceCount()).isEqualTo(3);
        assertThat(this.store.evictedTraces()).isZero();
    }

    @Test
    void boundsBelowOneAreRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTraceLogStore(0, 1, 1, LogLevel.INFO))
            .withMessage("maxTraces must be at least 1, but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTraceLogStore(1, 0, 1, LogLevel.INFO))
            .withMessage("maxEventsPerTrace must be at least 1, but was 0");
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTraceLogStore(1, 1, 0, LogLevel.INFO))
            .withMessage("maxMessageLength must be at least 1, but was 0");
    }

    @Test
    void boundsHoldAndOrderIsKeptUnderConcurrentAppends() throws Exception {
        int threads = 8;
        int eventsPerThread = 10_000;
        int traceIds = 5_000;
        int maxTraces = 1_000;
        int maxEventsPerTrace = 20;
        InMemoryTraceLogStore store = new InMemoryTraceLogStore(maxTraces, maxEventsPerTrace, 100, LogLevel.INFO);
        ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
        CountDownLatch start = new CountDownLatch(1);
        // Every writer pauses halfway until the watcher has looked once: on two cores the
        // watcher may otherwise not run before the writers finish, and check nothing.
        CountDownLatch halfway = new CountDownLatch(threads);
        CountDownLatch watched = new CountDownLatch(1);
        Map<String, Integer> maxTraceCountSeen = new ConcurrentHashMap<>();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String thread = "w" + t;
                writers.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < eventsPerThread; i++) {
                        if (i == eventsPerThread / 2) {
                            halfway.countDown();
                            watched.await(30, TimeUnit.SECONDS);
                        }
                        // Each thread walks the trace ids in its own order, with hot
                        // traces.
                        int trace = (i % 3 == 0) ? (i % 7) : ((i * 31 + thread.hashCode()) % traceIds);
                        store.append(new TraceLogEvent(NOW, LogLevel.INFO, "l", thread, thread + ":" + i,
                                "t" + Math.abs(trace), null, null, null, Map.of()));
                    }
                    return null;
                }));
            }
            Future<?> watcher = executor.submit(() -> {
                start.await();
                halfway.await(30, TimeUnit.SECONDS);
                boolean first = true;
                while (first || !writers.stream().allMatch(Future::isDone)) {
                    maxTraceCountSeen.merge("max", store.traceCount(), Math::max);
                    for (TraceLogEvent event : store.recent(LogLevel.INFO, 50)) {
                        assertThat(store.forTrace(event.traceId()).size()).isLessThanOrEqualTo(maxEventsPerTrace);
                    }
                    if (first) {
                        first = false;
                        watched.countDown();
                    }
                }
                return null;
            });
            start.countDown();
            for (Future<?> writer : writers) {
                writer.get(60, TimeUnit.SECONDS);
            }
            watcher.get(60, TimeUnit.SECONDS);
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(maxTraceCountSeen).containsKey("max");
        assertThat(maxTraceCountSeen.get("max")).isLessThanOrEqualTo(maxTraces);
        // Two threads that add the same new trace at once may both evict one to make
        // room,
        // and only one adds it: the store can end up to one trace per thread under its
        // bound.
        assertThat(store.traceCount()).isBetween(maxTraces - threads, maxTraces);
        long kept = 0;
        for (int trace = 0; trace < traceIds; trace++) {
            List<TraceLogEvent> events = store.forTrace("t" + trace);
            kept += events.size();
            assertThat(events).hasSizeLessThanOrEqualTo(maxEventsPerTrace);
            Map<String, Integer> lastIndexPerThread = new java.util.HashMap<>();
            for (TraceLogEvent event : events) {
                int index = Integer.parseInt(event.message().substring(event.message().indexOf(':') + 1));
                Integer previous = lastIndexPerThread.put(event.threadName(), index);
                assertThat(previous).as("order of %s in trace t%d", event.threadName(), trace)
                    .satisfiesAnyOf((p) -> assertThat(p).isNull(), (p) -> assertThat(p).isLessThan(index));
            }
        }
        assertThat(kept).isEqualTo(store.eventCount());
        assertThat(store.evictedTraces()).isPositive();
        assertThat(store.recent(LogLevel.INFO, 100)).hasSize(100);
    }

    private static TraceLogEvent event(String traceId, LogLevel level, String message) {
        return new TraceLogEvent(NOW, level, "com.example.Service", "main", message, traceId, null, null, null,
                Map.of());
    }

}
