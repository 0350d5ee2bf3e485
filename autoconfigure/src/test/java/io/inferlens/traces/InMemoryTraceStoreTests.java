package io.inferlens.traces;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.annotation.SpanKind;
import io.inferlens.inference.InferenceRecord;
import io.inferlens.inference.TokenUsage;
import io.inferlens.logs.InMemoryTraceLogStore;
import io.inferlens.logs.LogLevel;
import io.inferlens.logs.TraceLogEvent;
import io.micrometer.common.KeyValues;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link InMemoryTraceStore}.
 *
 * @author Inferlens
 */
class InMemoryTraceStoreTests {

    private static final long T0 = 1_700_000_000_000_000_000L;

    private static final long MS = 1_000_000L;

    private final InMemoryTraceStore store = new InMemoryTraceStore(1000, 500, 1000);

    @Test
    void recentSummarizesTracesNewestFirst() {
        this.store.add(span("t1", "a", null, "GET /chat", 0, 100, SpanKind.SERVER, Map.of("http.route", "/chat")));
        this.store.add(span("t1", "b", "a", "chat gpt-4o", 10, 150,
                Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.response.model", "gpt-4o-2024-08-06")));
        this.store.add(span("t1", "c", "a", "chat mini", 20, 30, Map.of("gen_ai.request.model", "gpt-4o-mini")));
        this.store.add(span("t2", "x", null, "batch", 50, 10, Map.of()));
        List<TraceSummary> recent = this.store.recent(TraceQuery.all());
        assertThat(recent).extracting(TraceSummary::traceId).containsExactly("t2", "t1");
        TraceSummary t1 = recent.get(1);
        assertThat(t1.name()).isEqualTo("GET /chat");
        assertThat(t1.start()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L));
        // From the earliest start (0) to the latest end (10 + 150).
        assertThat(t1.duration()).isEqualTo(Duration.ofMillis(160));
        assertThat(t1.spanCount()).isEqualTo(3);
        assertThat(t1.droppedSpans()).isZero();
        assertThat(t1.error()).isFalse();
        assertThat(t1.httpRoute()).isEqualTo("/chat");
        // Models come from the records of model calls, not from span attributes.
        assertThat(t1.models()).isEmpty();
        assertThat(t1.inferences()).isZero();
        assertThat(recent.get(0).httpRoute()).isNull();
        assertThat(recent.get(0).models()).isEmpty();
    }

    @Test
    void modelViewSumsTheRecordsOfTheTracesSampledModelCalls() {
        this.store.add(span("t1", "a", null, "GET /chat", 0, 100, SpanKind.SERVER, Map.of("http.route", "/chat")));
        this.store.onInference(record("t1", "gpt-4o", "gpt-4o-2024-08-06", 100, 20, 0.002, true));
        this.store.onInference(record("t1", "gpt-4o-mini", null, 50, -1, Double.NaN, true));
        this.store.onInference(record("t1", "gpt-4o", null, 10, 5, 0.001, true));
        // Unsampled: its trace is not stored, so it neither counts nor takes a slot.
        this.store.onInference(record("t2", "unsampled", null, 1, 1, 1.0, false));
        assertThat(this.store.size()).isEqualTo(1);
        TraceSummary t1 = this.store.recent(TraceQuery.all()).get(0);
        assertThat(t1.models()).containsExactly("gpt-4o", "gpt-4o-mini");
        assertThat(t1.inferences()).isEqualTo(3);
        assertThat(t1.inputTokens()).isEqualTo(160);
        assertThat(t1.outputTokens()).isEqualTo(25);
        assertThat(t1.cost()).isCloseTo(0.003, org.assertj.core.api.Assertions.within(1e-12));
        assertThat(this.store.recent(TraceQuery.all().withModel("gpt-4o-mini"))).hasSize(1);
        assertThat(this.store.recent(TraceQuery.all().withModel("gpt-3.5"))).isEmpty();
    }

    @Test
    void modelCallsArrivingBeforeTheirSpansAreKept() {
        this.store.onInference(record("t1", "gpt-4o", null, 1, 1, Double.NaN, true));
        assertThat(this.store.recent(TraceQuery.all())).isEmpty();
        this.store.add(span("t1", "a", null, "chat gpt-4o", 0, 10, Map.of()));
        assertThat(this.store.recent(TraceQuery.all())).singleElement()
            .satisfies((summary) -> assertThat(summary.models()).containsExactly("gpt-4o"));
    }

    @Test
    void modelNamesAreMaskedOnRead() {
        this.store.add(span("t1", "a", null, "chat", 0, 10, Map.of()));
        this.store.onInference(record("t1", "sk-live-0123456789abcdefghijklmnop", null, 1, 1, Double.NaN, true));
        assertThat(this.store.recent(TraceQuery.all()).get(0).models()).singleElement()
            .satisfies((model) -> assertThat(model).doesNotContain("0123456789"));
    }

    static InferenceRecord record(String traceId, String requestModel, @Nullable String responseModel, long inputTokens,
            long outputTokens, double cost, boolean sampled) {
        return new InferenceRecord(0, 10_000_000, "chat", "openai", requestModel,
                new TokenUsage(inputTokens, outputTokens, TokenUsage.UNKNOWN, responseModel, List.of()), cost, -1,
                false, false, null, null, InferenceRecord.Source.RECORDER, KeyValues.empty(), traceId, "s", sampled);
    }

    @Test
    void nameIsTheEarliestSpansWhenTheRootIsNotStored() {
        this.store.add(span("t1", "late", "gone", "later", 30, 10, Map.of()));
        this.store.add(span("t1", "early", "gone", "earliest", 10, 10, Map.of()));
        assertThat(this.store.recent(TraceQuery.all())).singleElement()
            .satisfies((summary) -> assertThat(summary.name()).isEqualTo("earliest"));
    }

    @Test
    void routeFallsBackToTheUriOfTheServerSpan() {
        this.store.add(span("t1", "a", null, "http get", 0, 10, SpanKind.SERVER, Map.of("uri", "/v1/chat")));
        assertThat(this.store.recent(TraceQuery.all()).get(0).httpRoute()).isEqualTo("/v1/chat");
    }

    @Test
    void errorsOnlyReturnsTracesWithAnErrorSpan() {
        this.store.add(span("ok", "a", null, "fine", 0, 10, Map.of()));
        this.store.add(span("failed", "a", null, "root", 10, 10, Map.of()));
        this.store.add(error(span("failed", "b", "a", "child", 11, 5, Map.of()), "boom"));
        List<TraceSummary> errors = this.store.recent(TraceQuery.all().withErrorsOnly());
        assertThat(errors).singleElement().satisfies((summary) -> {
            assertThat(summary.traceId()).isEqualTo("failed");
            assertThat(summary.error()).isTrue();
        });
        assertThat(this.store.recent(TraceQuery.all())).hasSize(2);
    }

    @Test
    void slowerThanComparesTheWholeTraceFromEarliestStartToLatestEnd() {
        // Short root, long child ending after it.
        this.store.add(span("slow", "a", null, "root", 0, 10, Map.of()));
        this.store.add(span("slow", "b", "a", "async", 5, 600, Map.of()));
        this.store.add(span("fast", "a", null, "root", 0, 400, Map.of()));
        this.store.add(span("exact", "a", null, "root", 0, 500, Map.of()));
        assertThat(this.store.recent(TraceQuery.all().withSlowerThan(Duration.ofMillis(500))))
            .extracting(TraceSummary::traceId)
            .containsExactly("slow");
    }

    @Test
    void attributeFilterMatchesAnySpanOfTheTraceByTheTextOfItsValue() {
        this.store.add(span("t1", "a", null, "root", 0, 10, Map.of("inferlens.experiment.routing-policy", "cheap")));
        this.store.add(span("t1", "b", "a", "chat", 1, 5,
                Map.of("gen_ai.request.model", "gpt-4o", "gen_ai.usage.input_tokens", 42L)));
        this.store.add(span("t2", "a", null, "root", 20, 10,
                Map.of("gen_ai.request.model", "claude", "tags", List.of("beta", "eu"))));
        assertThat(ids(TraceQuery.all().withAttribute("gen_ai.request.model", "gpt-4o"))).containsExactly("t1");
        assertThat(ids(TraceQuery.all().withAttribute("gen_ai.usage.input_tokens", "42"))).containsExactly("t1");
        assertThat(ids(TraceQuery.all().withAttribute("tags", "eu"))).containsExactly("t2");
        // Both on different spans of t1.
        assertThat(ids(TraceQuery.all()
            .withAttribute("gen_ai.request.model", "gpt-4o")
            .withAttribute("inferlens.experiment.routing-policy", "cheap"))).containsExactly("t1");
        assertThat(ids(TraceQuery.all()
            .withAttribute("gen_ai.request.model", "claude")
            .withAttribute("inferlens.experiment.routing-policy", "cheap"))).isEmpty();
        assertThat(ids(TraceQuery.all().withAttribute("gen_ai.request.model", "gpt"))).isEmpty();
    }

    @Test
    void attributeFilterCannotProbeForSecrets() {
        this.store.add(span("t1", "a", null, "root", 0, 10, Map.of("auth", "Bearer abc123", "api_key", "abc123")));
        assertThat(ids(TraceQuery.all().withAttribute("auth", "Bearer abc123"))).isEmpty();
        assertThat(ids(TraceQuery.all().withAttribute("api_key", "abc123"))).isEmpty();
    }

    @Test
    void filtersCombineAndLimitKeepsTheNewest() {
        for (int i = 0; i < 10; i++) {
            StoredSpan span = span("t" + i, "a", null, "root", i * 100, (i % 2 == 0) ? 1000 : 1,
                    Map.of("gen_ai.conversation.id", "c1"));
            this.store.add((i < 8) ? error(span, "x") : span);
        }
        TraceQuery query = TraceQuery.all()
            .withErrorsOnly()
            .withSlowerThan(Duration.ofMillis(500))
            .withAttribute("gen_ai.conversation.id", "c1")
            .withLimit(2);
        assertThat(ids(query)).containsExactly("t6", "t4");
        assertThat(ids(TraceQuery.all().withLimit(3))).containsExactly("t9", "t8", "t7");
    }

    @Test
    void queryRejectsImpossibleValues() {
        assertThatIllegalArgumentException().isThrownBy(() -> TraceQuery.all().withLimit(0))
            .withMessageContaining("limit");
        assertThatIllegalArgumentException().isThrownBy(() -> TraceQuery.all().withSlowerThan(Duration.ofMillis(-1)))
            .withMessageContaining("slowerThan");
        assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTraceStore(0, 1, 1))
            .withMessageContaining("maxTraces");
    }

    @Test
    void traceIsATreeWithChildrenOrderedByStartWhateverTheArrivalOrder() {
        // Children end, and so arrive, before their parents, and not in start order.
        this.store.add(span("t1", "c2", "b", "c2", 40, 5, Map.of()));
        this.store.add(span("t1", "c1", "b", "c1", 20, 5, Map.of()));
        this.store.add(span("t1", "b", "a", "b", 10, 50, Map.of()));
        this.store.add(span("t1", "d", "a", "d", 5, 2, Map.of()));
        this.store.add(span("t1", "a", null, "a", 0, 100, Map.of()));
        TraceView view = this.store.trace("t1").orElseThrow();
        assertThat(view.roots()).singleElement().satisfies((root) -> {
            assertThat(root.span().spanId()).isEqualTo("a");
            assertThat(root.children()).extracting((node) -> node.span().spanId()).containsExactly("d", "b");
            assertThat(root.children().get(1).children()).extracting((node) -> node.span().spanId())
                .containsExactly("c1", "c2");
        });
        assertThat(view.spans()).extracting(StoredSpan::spanId).containsExactly("a", "d", "b", "c1", "c2");
        assertThat(view.summary().spanCount()).isEqualTo(5);
        assertThat(view.logs()).isEmpty();
    }

    @Test
    void spansWhoseParentIsNotStoredBecomeRoots() {
        this.store.add(span("t1", "orphan2", "missing", "orphan2", 30, 5, Map.of()));
        this.store.add(span("t1", "child", "orphan1", "child", 12, 1, Map.of()));
        this.store.add(span("t1", "orphan1", "missing", "orphan1", 10, 5, Map.of()));
        TraceView view = this.store.trace("t1").orElseThrow();
        assertThat(view.roots()).extracting((node) -> node.span().spanId()).containsExactly("orphan1", "orphan2");
        assertThat(view.roots().get(0).children()).extracting((node) -> node.span().spanId()).containsExactly("child");
    }

    @Test
    void spansInACycleOfParentsAreShownRatherThanLost() {
        this.store.add(span("t1", "x", "y", "x", 0, 5, Map.of()));
        this.store.add(span("t1", "y", "x", "y", 1, 5, Map.of()));
        this.store.add(span("t1", "self", "self", "self", 2, 5, Map.of()));
        TraceView view = this.store.trace("t1").orElseThrow();
        assertThat(view.spans()).extracting(StoredSpan::spanId).containsExactlyInAnyOrder("x", "y", "self");
    }

    @Test
    void unknownTraceIsEmpty() {
        assertThat(this.store.trace("nope")).isEmpty();
    }

    @Test
    void traceIncludesItsLogEventsWhenALogStoreIsGiven() {
        InMemoryTraceLogStore logs = new InMemoryTraceLogStore(10, 10, 500, LogLevel.INFO);
        logs.append(new TraceLogEvent(Instant.now(), LogLevel.INFO, "chat", "main", "calling with token=s3cr3t", "t1",
                "a", null, null, Map.of()));
        logs.append(new TraceLogEvent(Instant.now(), LogLevel.INFO, "chat", "main", "elsewhere", "t2", "a", null, null,
                Map.of()));
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 100, logs);
        store.add(span("t1", "a", null, "root", 0, 10, Map.of()));
        assertThat(store.trace("t1").orElseThrow().logs()).singleElement()
            .satisfies((event) -> assertThat(event.message()).isEqualTo("calling with token=****"));
    }

    @Test
    void spansBeyondTheMaximumPerTraceAreDroppedAndCounted() {
        InMemoryTraceStore store = new InMemoryTraceStore(10, 3, 100);
        for (int i = 0; i < 5; i++) {
            store.add(span("t1", "s" + i, null, "s" + i, i, 1, Map.of()));
        }
        store.add(span("t2", "a", null, "a", 0, 1, Map.of()));
        assertThat(store.trace("t1").orElseThrow().spans()).extracting(StoredSpan::spanId)
            .containsExactly("s0", "s1", "s2");
        assertThat(store.recent(TraceQuery.all())).filteredOn((summary) -> summary.traceId().equals("t1"))
            .singleElement()
            .satisfies((summary) -> {
                assertThat(summary.spanCount()).isEqualTo(3);
                assertThat(summary.droppedSpans()).isEqualTo(2);
            });
        assertThat(store.droppedSpans()).isEqualTo(2);
        assertThat(store.spanCount()).isEqualTo(4);
    }

    @Test
    void theLeastRecentlyWrittenTraceIsEvictedWhenANewOneArrives() {
        InMemoryTraceStore store = new InMemoryTraceStore(3, 10, 100);
        store.add(span("t1", "a", null, "a", 0, 1, Map.of()));
        store.add(span("t2", "a", null, "a", 1, 1, Map.of()));
        store.add(span("t3", "a", null, "a", 2, 1, Map.of()));
        // t1 is written again: t2 is now the least recently written.
        store.add(span("t1", "b", "a", "b", 3, 1, Map.of()));
        store.add(span("t4", "a", null, "a", 4, 1, Map.of()));
        assertThat(store.trace("t2")).isEmpty();
        assertThat(store.size()).isEqualTo(3);
        store.add(span("t5", "a", null, "a", 5, 1, Map.of()));
        assertThat(store.trace("t3")).isEmpty();
        assertThat(store.recent(TraceQuery.all())).extracting(TraceSummary::traceId).containsExactly("t5", "t4", "t1");
        assertThat(store.evictedTraces()).isEqualTo(2);
    }

    @Test
    void longStringValuesAreTruncatedWhenAdded() {
        InMemoryTraceStore store = new InMemoryTraceStore(10, 10, 5);
        StoredSpan span = new StoredSpan("t1", "a", null, "root", SpanKind.INTERNAL, T0, MS, SpanStatus.ERROR,
                "a long description",
                Map.of("short", "abc", "long", "abcdefghij", "list", List.of("abcdefghij", "x"), "number", 1234567890L),
                List.of(new SpanEvent("exception", T0, Map.of("exception.stacktrace", "at com.example.Chat"))));
        store.add(span);
        StoredSpan stored = store.trace("t1").orElseThrow().spans().get(0);
        assertThat(stored.attributes()).containsEntry("short", "abc")
            .containsEntry("long", "abcd…")
            .containsEntry("list", List.of("abcd…", "x"))
            .containsEntry("number", 1234567890L);
        assertThat(stored.events().get(0).attributes()).containsEntry("exception.stacktrace", "at c…");
        assertThat(stored.statusDescription()).isEqualTo("a lo…");
    }

    @Test
    void secretsAreMaskedWhenRead() {
        StoredSpan span = new StoredSpan("t1", "a", null, "chat", SpanKind.CLIENT, T0, MS, SpanStatus.ERROR,
                "401 for Bearer abc.def",
                Map.of("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"my key is sk-abcdefghijkl\"}]",
                        "api_key", "plain", "gen_ai.request.model", "gpt-4o", "headers",
                        List.of("authorization: Bearer xyz", "accept: json")),
                List.of(new SpanEvent("exception", T0,
                        Map.of("exception.message", "login failed password=hunter2", "exception.type", "Auth"))));
        this.store.add(span);
        StoredSpan read = this.store.trace("t1").orElseThrow().spans().get(0);
        assertThat(read.attributes())
            .containsEntry("gen_ai.input.messages", "[{\"role\":\"user\",\"content\":\"my key is ****\"}]")
            .containsEntry("api_key", "****")
            .containsEntry("gen_ai.request.model", "gpt-4o")
            .containsEntry("headers", List.of("authorization: Bearer ****", "accept: json"));
        assertThat(read.events().get(0).attributes()).containsEntry("exception.message", "login failed password=****")
            .containsEntry("exception.type", "Auth");
        assertThat(read.statusDescription()).isEqualTo("401 for Bearer ****");
        assertThat(this.store.recent(TraceQuery.all().withAttribute("gen_ai.request.model", "gpt-4o"))).hasSize(1);
    }

    @Test
    void clearForgetsEveryTraceAndTheStoreStaysUsable() {
        InMemoryTraceStore store = new InMemoryTraceStore(2, 10, 100);
        store.add(span("t1", "a", null, "a", 0, 1, Map.of()));
        store.add(span("t2", "a", null, "a", 1, 1, Map.of()));
        store.clear();
        assertThat(store.size()).isZero();
        assertThat(store.recent(TraceQuery.all())).isEmpty();
        store.add(span("t3", "a", null, "a", 2, 1, Map.of()));
        store.add(span("t4", "a", null, "a", 3, 1, Map.of()));
        assertThat(store.size()).isEqualTo(2);
        assertThat(store.evictedTraces()).isZero();
    }

    @Test
    void spansPerTraceStayWithinTheirBoundUnderConcurrency() throws Exception {
        InMemoryTraceStore store = new InMemoryTraceStore(100, 500, 100);
        int threads = 8;
        run(threads, (thread, halfway) -> {
            for (int i = 0; i < 125; i++) {
                if (i == 62) {
                    halfway.run();
                }
                for (int trace = 0; trace < 10; trace++) {
                    store.add(span("t" + trace, thread + "-" + i, null, "s", i, 1, Map.of()));
                }
            }
        }, () -> {
            for (TraceSummary summary : store.recent(TraceQuery.all().withLimit(100))) {
                assertThat(summary.spanCount()).isLessThanOrEqualTo(500);
            }
        });
        // 8 threads x 125 spans = 1000 spans per trace, of which 500 are kept.
        assertThat(store.recent(TraceQuery.all())).hasSize(10)
            .allSatisfy((summary) -> assertThat(summary.spanCount()).isEqualTo(500));
        assertThat(store.droppedSpans()).isEqualTo(10 * 500);
        assertThat(store.spanCount()).isEqualTo(10 * 500);
    }

    @Test
    void tracesStayWithinTheirBoundUnderConcurrency() throws Exception {
        InMemoryTraceStore store = new InMemoryTraceStore(100, 10, 100);
        int threads = 8;
        int tracesPerThread = 2000;
        run(threads, (thread, halfway) -> {
            for (int i = 0; i < tracesPerThread; i++) {
                if (i == tracesPerThread / 2) {
                    halfway.run();
                }
                String traceId = thread + "-" + i;
                store.add(span(traceId, "a", null, "a", i, 1, Map.of()));
                store.add(span(traceId, "b", "a", "b", i, 1, Map.of()));
                // Also write to a trace shared by every thread.
                store.add(span("shared", thread + "-" + i, null, "s", 0, 1, Map.of()));
            }
        }, () -> assertThat(store.size()).isLessThanOrEqualTo(100));
        // Two threads that add the same new trace at once may both evict one to make
        // room,
        // and only one adds it: the store can end up to one trace per thread under its
        // bound.
        assertThat(store.size()).isBetween(100 - threads, 100);
        // Every trace added was either kept or evicted exactly once.
        assertThat(store.evictedTraces() + store.size()).isGreaterThanOrEqualTo(threads * tracesPerThread + 1);
        assertThat(store.recent(TraceQuery.all().withLimit(1000))).hasSize(store.size())
            .allSatisfy((summary) -> assertThat(summary.spanCount()).isBetween(1, 10));
    }

    /**
     * Run writers on several threads while another thread checks the store, at least once
     * while every writer is paused halfway through its work: on two cores a checker
     * thread may otherwise not be scheduled before the writers finish.
     */
    private static void run(int threads, ThreadBody body, Runnable check) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads + 1);
        try {
            CountDownLatch start = new CountDownLatch(1);
            CountDownLatch halfway = new CountDownLatch(threads);
            CountDownLatch checkedHalfway = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger(threads);
            AtomicInteger checks = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                int id = thread;
                futures.add(executor.submit(() -> {
                    start.await();
                    try {
                        body.run(id, () -> {
                            halfway.countDown();
                            try {
                                checkedHalfway.await(30, TimeUnit.SECONDS);
                            }
                            catch (InterruptedException ex) {
                                Thread.currentThread().interrupt();
                            }
                        });
                    }
                    finally {
                        running.decrementAndGet();
                    }
                    return null;
                }));
            }
            futures.add(executor.submit(() -> {
                start.await();
                halfway.await(30, TimeUnit.SECONDS);
                check.run();
                checks.incrementAndGet();
                checkedHalfway.countDown();
                while (running.get() > 0) {
                    check.run();
                    checks.incrementAndGet();
                }
                return null;
            }));
            start.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            assertThat(checks).hasValueGreaterThanOrEqualTo(1);
        }
        finally {
            executor.shutdownNow();
        }
    }

    private List<String> ids(TraceQuery query) {
        return this.store.recent(query).stream().map(TraceSummary::traceId).toList();
    }

    static StoredSpan span(String traceId, String spanId, @Nullable String parentSpanId, String name, long startMs,
            long durationMs, Map<String, Object> attributes) {
        return span(traceId, spanId, parentSpanId, name, startMs, durationMs, SpanKind.INTERNAL, attributes);
    }

    static StoredSpan span(String traceId, String spanId, @Nullable String parentSpanId, String name, long startMs,
            long durationMs, SpanKind kind, Map<String, Object> attributes) {
        return new StoredSpan(traceId, spanId, parentSpanId, name, kind, T0 + startMs * MS, durationMs * MS,
                SpanStatus.UNSET, null, attributes, List.of());
    }

    private static StoredSpan error(StoredSpan span, String description) {
        return new StoredSpan(span.traceId(), span.spanId(), span.parentSpanId(), span.name(), span.kind(),
                span.startEpochNanos(), span.durationNanos(), SpanStatus.ERROR, description, span.attributes(),
                span.events());
    }

    @FunctionalInterface
    interface ThreadBody {

        void run(int thread, Runnable halfway) throws Exception;

    }

}
