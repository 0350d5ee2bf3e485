package io.inferlens.errors;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.servlet.ServletException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.MDC;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link DefaultErrorTracker}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class DefaultErrorTrackerTests {

    private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final RecentErrors store = new RecentErrors(100, 10);

    private final List<CapturedError> reported = new CopyOnWriteArrayList<>();

    private final DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.store)
        .meterRegistry(this.meters)
        .reporters(List.of(this.reported::add))
        .clock(Clock.fixed(NOW, ZoneOffset.UTC))
        .build();

    @Test
    void capturedExceptionIsCountedStoredReportedAndLoggedWithItsTrace(CapturedOutput output) {
        IllegalStateException failure = new IllegalStateException("no healthy target");
        boolean captured = this.tracker.captureException(failure,
                ErrorContext.of("gateway.route").withTrace("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"));
        assertThat(captured).isTrue();
        // Prometheus:
        // inferlens_errors_total{error_type="java.lang.IllegalStateException",operation="gateway.route"}
        assertThat(this.meters.get("inferlens.errors")
            .tags("error.type", "java.lang.IllegalStateException", "operation", "gateway.route")
            .counter()
            .count()).isEqualTo(1);
        assertThat(this.reported).singleElement().satisfies((error) -> {
            assertThat(error.timestamp()).isEqualTo(NOW);
            assertThat(error.severity()).isEqualTo(Severity.ERROR);
            assertThat(error.type()).isEqualTo("java.lang.IllegalStateException");
            assertThat(error.message()).isEqualTo("no healthy target");
            assertThat(error.frame()).startsWith(DefaultErrorTrackerTests.class.getName()
                    + ".capturedExceptionIsCountedStoredReportedAndLoggedWithItsTrace(DefaultErrorTrackerTests.java:");
            assertThat(error.fingerprint()).isEqualTo("java.lang.IllegalStateException@" + error.frame());
            assertThat(error.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(error.spanId()).isEqualTo("00f067aa0ba902b7");
            assertThat(error.exception()).isSameAs(failure);
        });
        assertThat(this.store.groups()).singleElement().satisfies((group) -> {
            assertThat(group.count()).isEqualTo(1);
            assertThat(group.firstSeen()).isEqualTo(NOW);
            assertThat(group.recentTraceIds()).containsExactly("4bf92f3577b34da6a3ce929d0e0e4736");
        });
        assertThat(output.getOut()).contains(" ERROR ")
            .contains("Captured java.lang.IllegalStateException in gateway.route at "
                    + DefaultErrorTrackerTests.class.getName())
            .contains("no healthy target [trace_id=4bf92f3577b34da6a3ce929d0e0e4736]")
            .contains("java.lang.IllegalStateException: no healthy target\n\tat ");
    }

    @Test
    void sameExceptionIsCapturedOnce() {
        IllegalStateException failure = new IllegalStateException();
        assertThat(this.tracker.captureException(failure, ErrorContext.of("model.call"))).isTrue();
        assertThat(this.tracker.captureException(failure, ErrorContext.of("gateway.route"))).isFalse();
        assertThat(this.tracker.captureException(failure, ErrorContext.of("http.server.requests"))).isFalse();
        assertThat(this.meters.get("inferlens.errors").counters()).singleElement()
            .satisfies((counter) -> assertThat(counter.getId().getTag("operation")).isEqualTo("model.call"))
            .satisfies((counter) -> assertThat(counter.count()).isEqualTo(1));
        assertThat(this.reported).hasSize(1);
        assertThat(this.store.totalCount()).isEqualTo(1);
    }

    @Test
    void exceptionWrappingACapturedOneIsNotCapturedAgain() {
        IllegalStateException failure = new IllegalStateException();
        this.tracker.captureException(failure, ErrorContext.of("model.call"));
        ServletException wrapped = new ServletException(new RuntimeException("wrapped", failure));
        assertThat(this.tracker.captureException(wrapped, ErrorContext.of("http.server.requests"))).isFalse();
        assertThat(this.store.totalCount()).isEqualTo(1);
    }

    @Test
    void causeOfACapturedExceptionIsStillCapturedOnItsOwn() {
        IllegalStateException cause = new IllegalStateException();
        this.tracker.captureException(new RuntimeException(cause), ErrorContext.of("gateway.route"));
        assertThat(this.tracker.captureException(cause, ErrorContext.of("other"))).isTrue();
    }

    @Test
    void exceptionWithACyclicCauseChainIsCaptured() {
        RuntimeException first = new RuntimeException("first");
        RuntimeException second = new RuntimeException("second", first);
        first.initCause(second);
        assertThat(this.tracker.captureException(first, ErrorContext.of("op"))).isTrue();
        assertThat(this.tracker.captureException(second, ErrorContext.of("op"))).isFalse();
    }

    @Test
    void secretsInMessagesAreMaskedInTheStoreTheReportAndTheLog(CapturedOutput output) {
        IllegalStateException failure = new IllegalStateException("upstream refused Authorization: Bearer abc.def.ghi",
                new IllegalArgumentException("api_key=sk-live-1234567890abcdef"));
        this.tracker.captureException(failure, ErrorContext.of("model.call"));
        assertThat(this.reported.get(0).message()).isEqualTo("upstream refused Authorization: Bearer ****");
        assertThat(this.store.groups().get(0).lastMessage()).isEqualTo("upstream refused Authorization: Bearer ****");
        assertThat(output.getOut()).doesNotContain("abc.def.ghi")
            .doesNotContain("sk-live-1234567890abcdef")
            .contains("java.lang.IllegalStateException: upstream refused Authorization: Bearer ****")
            .contains("java.lang.IllegalArgumentException: api_key=****")
            // the masked copy keeps the stack trace
            .contains("\tat " + DefaultErrorTrackerTests.class.getName()
                    + ".secretsInMessagesAreMaskedInTheStoreTheReportAndTheLog");
    }

    @Test
    void longMessagesAreCut() {
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.store).maxMessageLength(10).build();
        tracker.captureException(new IllegalStateException("0123456789abcdef"), ErrorContext.of("op"));
        assertThat(this.store.groups().get(0).lastMessage()).isEqualTo("012345678…");
    }

    @Test
    void stackTracesCanBeLeftOutOfTheLog(CapturedOutput output) {
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.store).logStackTraces(false).build();
        tracker.captureException(new IllegalStateException("boom"), ErrorContext.of("op"));
        assertThat(output.getOut()).contains("Captured java.lang.IllegalStateException in op").doesNotContain("\tat ");
    }

    @Test
    void traceComesFromTheResolverWhenTheContextHasNone() {
        MDC.put("traceId", "0af7651916cd43dd8448eb211c80319c");
        MDC.put("spanId", "b7ad6b7169203331");
        try {
            this.tracker.captureException(new IllegalStateException(), ErrorContext.of("op"));
        }
        finally {
            MDC.clear();
        }
        assertThat(this.reported.get(0).traceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(this.reported.get(0).spanId()).isEqualTo("b7ad6b7169203331");
    }

    @Test
    void occurrencesOfTheSameFailureAreGrouped() {
        for (int i = 0; i < 3; i++) {
            fail("attempt " + i, "trace" + i);
        }
        assertThat(this.store.groups()).singleElement().satisfies((group) -> {
            assertThat(group.count()).isEqualTo(3);
            assertThat(group.lastMessage()).isEqualTo("attempt 2");
            assertThat(group.recentTraceIds()).containsExactly("trace2", "trace1", "trace0");
        });
    }

    @Test
    void capturedMessageIsStoredLoggedAtItsLevelAndCountedOnlyWhenAnError(CapturedOutput output) {
        this.tracker.captureMessage("backend answered 200 with an empty body, token=abc123", Severity.WARNING,
                ErrorContext.of("model.call"));
        this.tracker.captureMessage("no model can serve the request", Severity.ERROR, ErrorContext.of("router"));
        assertThat(this.meters.get("inferlens.errors").counters()).singleElement()
            .satisfies((counter) -> assertThat(counter.getId().getTag("error.type")).isEqualTo("message"))
            .satisfies((counter) -> assertThat(counter.getId().getTag("operation")).isEqualTo("router"));
        assertThat(this.store.groups()).extracting(ErrorGroup::lastMessage)
            .containsExactly("no model can serve the request", "backend answered 200 with an empty body, token=****");
        assertThat(output.getOut()).contains(" WARN ")
            .contains("Captured message in model.call: backend answered 200 with an empty body, token=****")
            .doesNotContain("abc123");
        assertThat(this.reported).extracting(CapturedError::severity).containsExactly(Severity.WARNING, Severity.ERROR);
    }

    @Test
    void throwingReporterIsLoggedOnceAndTheOthersStillRun(CapturedOutput output) {
        AtomicInteger calls = new AtomicInteger();
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.store).reporters(List.of((error) -> {
            throw new IllegalStateException("reporter broken");
        }, (error) -> calls.incrementAndGet())).build();
        for (int i = 0; i < 3; i++) {
            assertThatNoException()
                .isThrownBy(() -> tracker.captureException(new IllegalStateException(), ErrorContext.of("op")));
        }
        assertThat(calls).hasValue(3);
        assertThat(this.store.totalCount()).isEqualTo(3);
        assertThat(output.getOut()).containsOnlyOnce(" WARN ").contains("reporter broken");
    }

    @Test
    void trackerWithoutRegistryStillStores() {
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.store).build();
        tracker.captureException(new IllegalStateException(), ErrorContext.of("op"));
        assertThat(this.store.totalCount()).isEqualTo(1);
    }

    @Test
    void exceptionsFromManyThreadsAreEachCapturedAndTheSharedOneOnce() throws Exception {
        IllegalStateException shared = new IllegalStateException("shared");
        int threads = 8;
        int perThread = 500;
        AtomicInteger sharedCaptures = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        this.tracker.captureException(new IllegalArgumentException(), ErrorContext.of("op"));
                        if (this.tracker.captureException(shared, ErrorContext.of("op"))) {
                            sharedCaptures.incrementAndGet();
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
        assertThat(sharedCaptures).hasValue(1);
        assertThat(this.meters.get("inferlens.errors")
            .tag("error.type", "java.lang.IllegalArgumentException")
            .counter()
            .count()).isEqualTo(threads * perThread);
        assertThat(this.store.totalCount()).isEqualTo(threads * perThread + 1);
        assertThat(this.reported).hasSize(threads * perThread + 1);
    }

    private void fail(String message, String traceId) {
        // one throw site, so one fingerprint
        this.tracker.captureException(new IllegalStateException(message),
                ErrorContext.of("op").withTrace(traceId, null));
    }

}
