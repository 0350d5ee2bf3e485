package io.inferlens.errors;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.inferlens.observation.InstrumentedOperation;
import io.inferlens.observation.TraceContextResolver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ErrorsObservationHandler}.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class ErrorsObservationHandlerTests {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final ObservationRegistry registry = ObservationRegistry.create();

    private final RecentErrors recentErrors = new RecentErrors(100, 10);

    @Test
    void failedObservationIsCountedOnceByErrorTypeAndOperation() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        Observation observation = Observation.start("chat", () -> new Operation("chat"), this.registry);
        IllegalStateException failure = new IllegalStateException("boom");
        observation.error(failure);
        observation.error(failure);
        observation.stop();
        // Prometheus:
        // inferlens_errors_total{error_type="IllegalStateException",operation="chat"}
        Counter counter = this.meters.get("inferlens.errors")
            .tags("error.type", "IllegalStateException", "operation", "chat")
            .counter();
        assertThat(counter.count()).isEqualTo(1);
        assertThat(counter.getId().getDescription())
            .isEqualTo("Errors seen by Inferlens' instrumentation, by type and operation");
        assertThat(this.meters.getMeters()).hasSize(1);
    }

    @Test
    void eachFailedObservationIsCounted() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        fail("chat", new IllegalStateException());
        fail("chat", new IllegalStateException());
        fail("chat", new IOException());
        fail("embed", new IllegalStateException());
        assertThat(count("IllegalStateException", "chat")).isEqualTo(2);
        assertThat(count("IOException", "chat")).isEqualTo(1);
        assertThat(count("IllegalStateException", "embed")).isEqualTo(1);
    }

    @Test
    void successfulObservationIsNotCounted() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        Observation.start("chat", () -> new Operation("chat"), this.registry).stop();
        assertThat(this.meters.find("inferlens.errors").counter()).isNull();
    }

    @Test
    void contextsOfOtherInstrumentationAreIgnored() {
        ErrorsObservationHandler handler = handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        assertThat(handler.supportsContext(new Observation.Context())).isFalse();
        assertThat(handler.supportsContext(new Operation("chat"))).isTrue();
        Observation observation = Observation.start("http.client.requests", this.registry);
        observation.error(new IllegalStateException());
        observation.stop();
        assertThat(this.meters.find("inferlens.errors").counter()).isNull();
    }

    @Test
    void anonymousExceptionClassIsTaggedWithItsFullName() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        RuntimeException anonymous = new RuntimeException() {
        };
        fail("chat", anonymous);
        assertThat(anonymous.getClass().getSimpleName()).isEmpty();
        assertThat(count(anonymous.getClass().getName(), "chat")).isEqualTo(1);
    }

    @Test
    void classifierGivesTheErrorType() {
        handle((error) -> (error instanceof IOException) ? "io" : "other");
        fail("chat", new IOException());
        fail("chat", new IllegalStateException());
        assertThat(count("io", "chat")).isEqualTo(1);
        assertThat(count("other", "chat")).isEqualTo(1);
    }

    @Test
    void classifierReturningNullOrBlankFallsBackToTheClassName() {
        handle((error) -> (error instanceof IOException) ? null : " ");
        fail("chat", new IOException());
        fail("chat", new IllegalStateException());
        assertThat(count("java.io.IOException", "chat")).isEqualTo(1);
        assertThat(count("java.lang.IllegalStateException", "chat")).isEqualTo(1);
    }

    @Test
    void throwingClassifierDoesNotBreakTheCallAndIsLoggedOnce(CapturedOutput output) {
        handle((error) -> {
            throw new UnsupportedOperationException("classifier broken");
        });
        for (int i = 0; i < 3; i++) {
            assertThatNoException().isThrownBy(() -> fail("chat", new IllegalStateException()));
        }
        assertThat(count("java.lang.IllegalStateException", "chat")).isEqualTo(3);
        assertThat(occurrences(output.getOut(), " WARN ")).isEqualTo(1);
        assertThat(output).contains("ErrorClassifier").contains("classifier broken");
    }

    @Test
    void throwingClassifierIsLoggedOnceFromManyThreads(CapturedOutput output) throws Exception {
        handle((error) -> {
            throw new UnsupportedOperationException("classifier broken");
        });
        int threads = 16;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50; i++) {
                        fail("chat", new IllegalStateException());
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        assertThat(count("java.lang.IllegalStateException", "chat")).isEqualTo(threads * 50);
        assertThat(occurrences(output.getOut(), " WARN ")).isEqualTo(1);
    }

    @Test
    void registryFailureDoesNotBreakTheCallAndIsLoggedOnce(CapturedOutput output) {
        this.meters.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                throw new IllegalStateException("registry broken");
            }
        });
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        for (int i = 0; i < 3; i++) {
            assertThatNoException().isThrownBy(() -> fail("chat", new IOException()));
        }
        assertThat(occurrences(output.getOut(), " WARN ")).isEqualTo(1);
        assertThat(output).contains("Failed to count an error in inferlens.errors").contains("registry broken");
        // counting failed, capturing did not
        assertThat(this.recentErrors.totalCount()).isEqualTo(3);
    }

    @Test
    void contextReplacedByAFilterBeforeStopDoesNotBreakTheCall() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        this.registry.observationConfig().observationFilter((context) -> {
            Observation.Context replacement = new Observation.Context();
            replacement.setError(new IllegalStateException());
            return replacement;
        });
        assertThatNoException().isThrownBy(() -> fail("chat", new IllegalStateException()));
    }

    @Test
    void countersBeyondTheCacheAreStillCounted() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        int operations = DefaultErrorTracker.MAX_CACHED_COUNTERS + 10;
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < operations; i++) {
                fail("op" + i, new IOException());
            }
        }
        assertThat(this.meters.get("inferlens.errors").counters()).hasSize(operations)
            .allSatisfy((counter) -> assertThat(counter.count()).isEqualTo(2));
    }

    @Test
    void exceptionFailingNestedOperationsIsCountedOnceForTheInnermost() {
        handle(ErrorClassifier.SIMPLE_CLASS_NAME);
        IllegalStateException failure = new IllegalStateException("no healthy target");
        Observation outer = Observation.start("gateway.route", () -> new Operation("gateway.route"), this.registry);
        Observation inner = Observation.start("model.call", () -> new Operation("model.call"), this.registry);
        inner.error(failure);
        inner.stop();
        outer.error(new RuntimeException("wrapped", failure));
        outer.stop();
        assertThat(count("IllegalStateException", "model.call")).isEqualTo(1);
        assertThat(this.meters.get("inferlens.errors").counters()).hasSize(1);
        assertThat(this.recentErrors.groups()).singleElement()
            .satisfies((group) -> assertThat(group.count()).isEqualTo(1));
    }

    @Test
    void traceOfTheObservationIsTheCapturedErrorsTrace() {
        RecentErrors store = new RecentErrors(10, 10);
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(store).build();
        TraceContextResolver resolver = new TraceContextResolver() {

            @Override
            public TraceIds current() {
                return new TraceIds("current-trace", "current-span");
            }

            @Override
            public TraceIds of(Observation.Context context) {
                return new TraceIds("trace-of-" + context.getName(), "span-of-" + context.getName());
            }

        };
        this.registry.observationConfig().observationHandler(new ErrorsObservationHandler(tracker, resolver));
        fail("chat", new IllegalStateException());
        assertThat(store.groups()).singleElement()
            .satisfies((group) -> assertThat(group.recentTraceIds()).containsExactly("trace-of-chat"));
    }

    @Test
    void throwingTrackerDoesNotBreakTheCall() {
        ErrorTracker broken = new ThrowingErrorTracker();
        this.registry.observationConfig()
            .observationHandler(new ErrorsObservationHandler(broken, TraceContextResolver.MDC_KEYS));
        assertThatNoException().isThrownBy(() -> fail("chat", new IllegalStateException()));
    }

    private ErrorsObservationHandler handle(ErrorClassifier classifier) {
        DefaultErrorTracker tracker = DefaultErrorTracker.builder(this.recentErrors)
            .meterRegistry(this.meters)
            .classifier(classifier)
            .logStackTraces(false)
            .build();
        ErrorsObservationHandler handler = new ErrorsObservationHandler(tracker, TraceContextResolver.MDC_KEYS);
        this.registry.observationConfig().observationHandler(handler);
        return handler;
    }

    private void fail(String operation, Throwable error) {
        Observation observation = Observation.start(operation, () -> new Operation(operation), this.registry);
        observation.error(error);
        observation.stop();
    }

    private double count(String errorType, String operation) {
        return this.meters.get("inferlens.errors")
            .tags("error.type", errorType, "operation", operation)
            .counter()
            .count();
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            count++;
        }
        return count;
    }

    static class Operation extends Observation.Context implements InstrumentedOperation {

        private final String operation;

        Operation(String operation) {
            this.operation = operation;
        }

        @Override
        public String getOperationName() {
            return this.operation;
        }

    }

}
