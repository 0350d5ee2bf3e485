package io.inferlens.inference;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.inferlens.annotation.TracedInference;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link InferenceRecorder}, without an application context: the recorder must
 * never break the call it observes.
 *
 * @author Inferlens
 */
class InferenceRecorderTests {

    private static final Map<String, Object> RESPONSE = Map.of("model", "gpt-4o-2024-08-06", "usage",
            Map.of("prompt_tokens", 5, "completion_tokens", 2));

    private final TestObservationRegistry registry = TestObservationRegistry.create();

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final InferenceRecorder recorder = recorder(this.registry, TokenUsageExtractors.builtIn(),
            ContentCapture.DISABLED);

    InferenceRecorderTests() {
        this.registry.observationConfig().observationHandler(new InferenceMeterObservationHandler(this.meters));
    }

    @Test
    void throwingExtractorNeverBreaksTheCallAndTheNextExtractorReadsTheResult() throws Exception {
        TokenUsageExtractor broken = (result) -> {
            throw new IllegalStateException("broken extractor");
        };
        InferenceRecorder recorder = recorder(this.registry, List.of(broken, new OpenAiTokenUsageExtractor()),
                ContentCapture.DISABLED);
        assertThat(recorder.observe("chat", null, "gpt-4o", () -> RESPONSE)).isSameAs(RESPONSE);
        try (Inference inference = recorder.start("chat", null, "gpt-4o")) {
            inference.chunk(Map.of("choices", List.of(Map.of("finish_reason", "stop"))));
        }
        assertThat(this.registry).hasNumberOfObservationsEqualTo(2)
            .hasHandledContextsThatSatisfy((contexts) -> assertThat(contexts)
                .extracting((context) -> ((InferenceObservationContext) context).getUsage())
                .containsExactly(new TokenUsage(5, 2, TokenUsage.UNKNOWN, "gpt-4o-2024-08-06", List.of()),
                        new TokenUsage(TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, TokenUsage.UNKNOWN, null,
                                List.of("stop"))));
        assertThat(this.meters.get("gen_ai.client.operation.duration").timers()).hasSize(2)
            .allSatisfy((timer) -> assertThat(timer.count()).isEqualTo(1));
    }

    @Test
    void resultWhoseStringFormThrowsNeverBreaksTheCallWhenContentIsCaptured() throws Exception {
        InferenceRecorder recorder = recorder(this.registry, TokenUsageExtractors.builtIn(),
                new ContentCapture(true, 100));
        Unprintable result = new Unprintable();
        assertThat(recorder.observe("chat", null, "gpt-4o", () -> result)).isSameAs(result);
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
    }

    @Test
    void argumentWhoseStringFormThrowsNeverBreaksAnAnnotatedCallAndItIsStillObserved() throws Throwable {
        InferenceRecorder recorder = recorder(this.registry, TokenUsageExtractors.builtIn(),
                new ContentCapture(true, 100));
        Object result = recorder.observe(method("chat"), new Object[] { new Unprintable(), "second" }, () -> "answer");
        assertThat(result).isEqualTo("answer");
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
    }

    @Test
    void completionStageIsStoppedEvenWhenItsValueCannotBeCaptured() throws Throwable {
        InferenceRecorder recorder = recorder(this.registry, TokenUsageExtractors.builtIn(),
                new ContentCapture(true, 100));
        CompletableFuture<Object> future = new CompletableFuture<>();
        recorder.observe(method("async"), new Object[0], () -> future);
        future.complete(new Unprintable());
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
    }

    @ParameterizedTest
    @EnumSource(Callback.class)
    void throwingHandlerNeverBreaksTheCallAndLeavesTheEnclosingObservationCurrent(Callback callback) throws Throwable {
        ObservationRegistry registry = ObservationRegistry.create();
        registry.observationConfig().observationHandler(new ThrowingHandler(callback));
        InferenceRecorder recorder = recorder(registry, TokenUsageExtractors.builtIn(), ContentCapture.DISABLED);
        assertThat(recorder.observe("chat", null, "gpt-4o", () -> RESPONSE)).isSameAs(RESPONSE);
        assertThat(registry.getCurrentObservation()).isNull();
        assertThat(recorder.observe(method("chat"), new Object[] { "a", "b" }, () -> "answer")).isEqualTo("answer");
        assertThat(registry.getCurrentObservation()).isNull();
        Observation parent = Observation.start("parent", registry);
        try (Observation.Scope scope = parent.openScope()) {
            assertThatIllegalStateException()
                .isThrownBy(() -> recorder.observe(method("chat"), new Object[] { "a", "b" }, () -> {
                    throw new IllegalStateException("model down");
                }))
                .withMessage("model down");
            assertThat(registry.getCurrentObservation()).isSameAs(parent);
        }
        parent.stop();
        assertThat(registry.getCurrentObservation()).isNull();
    }

    @Test
    void stopIsIdempotentEvenWhenRacedByManyThreads() throws Exception {
        ObservationRegistry registry = ObservationRegistry.create();
        AtomicInteger stops = new AtomicInteger();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {

            @Override
            public void onStop(Observation.Context context) {
                stops.incrementAndGet();
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

        });
        Inference inference = recorder(registry, TokenUsageExtractors.builtIn(), ContentCapture.DISABLED).start("chat",
                null, "gpt-4o");
        int threads = 16;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    inference.stop();
                    inference.close();
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.SECONDS);
            }
        }
        finally {
            executor.shutdownNow();
        }
        inference.stop();
        assertThat(stops).hasValue(1);
    }

    @Test
    void completionStageFailingExceptionallyRecordsTheTypeOfTheCause() throws Throwable {
        CompletableFuture<Object> future = new CompletableFuture<>();
        Object returned = this.recorder.observe(method("async"), new Object[0],
                () -> future.thenApply((value) -> value));
        assertThat(this.registry).hasSingleObservationThat().isNotStopped();
        IllegalStateException cause = new IllegalStateException("model down");
        future.completeExceptionally(cause);
        assertThat((CompletableFuture<?>) returned).isCompletedExceptionally();
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().hasError(cause);
        assertThat(this.meters.get("gen_ai.client.operation.duration")
            .tag("error.type", "java.lang.IllegalStateException")
            .timer()
            .count()).isEqualTo(1);
    }

    @Test
    void monoValueIsReadWhenItArrives() throws Throwable {
        Object returned = this.recorder.observe(method("mono"), new Object[0], () -> Mono.just(RESPONSE));
        // observed from its subscription on
        assertThat(this.registry).doesNotHaveAnyObservation();
        assertThat(((Mono<?>) returned).block()).isSameAs(RESPONSE);
        assertThat(this.registry).hasSingleObservationThat()
            .hasBeenStopped()
            .doesNotHaveError()
            .hasContextualNameEqualTo("chat gpt-4o");
        assertThat(this.meters.get("gen_ai.client.token.usage")
            .tag("gen_ai.token.type", "output")
            .tag("gen_ai.response.model", "gpt-4o-2024-08-06")
            .summary()
            .totalAmount()).isEqualTo(2);
        assertThat(this.meters.find("gen_ai.client.operation.time_to_first_chunk").timer()).isNull();
    }

    @Test
    void monoErrorIsRecorded() throws Throwable {
        IllegalStateException error = new IllegalStateException("model down");
        Object returned = this.recorder.observe(method("mono"), new Object[0], () -> Mono.error(error));
        assertThatIllegalStateException().isThrownBy(() -> ((Mono<?>) returned).block()).isSameAs(error);
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().hasError(error);
    }

    @Test
    void fluxCancelledBeforeItEndsStopsTheObservation() throws Throwable {
        Object returned = this.recorder.observe(method("flux"), new Object[0], Flux::never);
        Disposable subscription = ((Flux<?>) returned).subscribe();
        assertThat(this.registry).hasSingleObservationThat().isNotStopped();
        subscription.dispose();
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
    }

    @Test
    void fluxCutShortByTheConsumerIsStoppedWithItsFirstChunk() throws Throwable {
        Object returned = this.recorder.observe(method("flux"), new Object[0],
                () -> Flux.just(Map.of("choices", List.of(Map.of("index", 0))), RESPONSE));
        assertThat(((Flux<?>) returned).take(1).collectList().block()).hasSize(1);
        assertThat(this.registry).hasSingleObservationThat().hasBeenStopped().doesNotHaveError();
        assertThat(this.meters.get("gen_ai.client.operation.time_to_first_chunk").timer().count()).isEqualTo(1);
    }

    @Test
    void everyChunkAfterTheFirstIsTimedFromTheChunkBefore() throws Throwable {
        Object returned = this.recorder.observe(method("flux"), new Object[0],
                () -> Flux.just(Map.of("choices", List.of(Map.of("index", 0))), Map.of("choices", List.of()), RESPONSE)
                    .delayElements(Duration.ofMillis(30)));
        assertThat(((Flux<?>) returned).collectList().block()).hasSize(3);
        Timer timePerChunk = this.meters.get("gen_ai.client.operation.time_per_output_chunk").timer();
        assertThat(timePerChunk.count()).isEqualTo(2);
        assertThat(timePerChunk.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(25);
        assertThat(timePerChunk.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(50);
        assertThat(this.meters.get("gen_ai.client.operation.time_to_first_chunk").timer().count()).isOne();
        assertThat(this.registry).hasSingleObservationThat()
            .hasContextualNameEqualTo("chat gpt-4o")
            .satisfies((context) -> assertThat(((InferenceObservationContext) context).getChunks()).isEqualTo(3));
    }

    @Test
    void blockingCallHasNoTimePerChunk() throws Exception {
        this.recorder.observe("chat", null, "gpt-4o", () -> RESPONSE);
        assertThat(this.meters.find("gen_ai.client.operation.time_per_output_chunk").meters()).isEmpty();
        assertThat(this.meters.find("gen_ai.client.operation.time_to_first_chunk").meters()).isEmpty();
    }

    @Test
    void spanIsNamedWhenTheObservationStarts() throws Exception {
        ObservationRegistry registry = ObservationRegistry.create();
        AtomicReference<@Nullable String> nameAtStart = new AtomicReference<>();
        registry.observationConfig().observationHandler(new ObservationHandler<>() {

            @Override
            public void onStart(Observation.Context context) {
                nameAtStart.set(context.getContextualName());
            }

            @Override
            public boolean supportsContext(Observation.Context context) {
                return true;
            }

        });
        recorder(registry, TokenUsageExtractors.builtIn(), ContentCapture.DISABLED).observe("embeddings", null,
                "text-embed", () -> "vector");
        assertThat(nameAtStart).hasValue("embeddings text-embed");
    }

    @Test
    @SuppressWarnings("unchecked")
    void noopRegistryStillMakesTheCall() throws Throwable {
        InferenceRecorder recorder = recorder(ObservationRegistry.NOOP, TokenUsageExtractors.builtIn(),
                new ContentCapture(true, 100));
        assertThat(recorder.observe("chat", null, "gpt-4o", () -> RESPONSE)).isSameAs(RESPONSE);
        assertThat(recorder.observe(method("chat"), new Object[] { "a", "b" }, () -> "answer")).isEqualTo("answer");
        assertThatIllegalStateException().isThrownBy(() -> recorder.observe("chat", null, "gpt-4o", () -> {
            throw new IllegalStateException("model down");
        })).withMessage("model down");
        Object flux = recorder.observe(method("flux"), new Object[0], () -> Flux.just(RESPONSE));
        assertThat(((Flux<Object>) flux).collectList().block()).containsExactly(RESPONSE);
        try (Inference inference = recorder.start("chat", null, null); Inference.Scope scope = inference.openScope()) {
            inference.requestModel("gpt-4o").chunk(RESPONSE).result(RESPONSE).error(new IllegalStateException());
        }
        assertThat(ObservationRegistry.NOOP.getCurrentObservation()).isNull();
    }

    private static InferenceRecorder recorder(ObservationRegistry registry,
            List<? extends TokenUsageExtractor> extractors, ContentCapture capture) {
        return new InferenceRecorder(registry, null, new TokenUsageExtractors(extractors), capture, "openai",
                CacheMetrics.NONE);
    }

    private static InferenceMethod method(String name) {
        Method method = List.of(Models.class.getMethods())
            .stream()
            .filter((candidate) -> candidate.getName().equals(name))
            .findFirst()
            .orElseThrow();
        InferenceMethod resolved = InferenceMethods.resolve(method, Models.class);
        assertThat(resolved).isNotNull();
        return resolved;
    }

    enum Callback {

        START, SCOPE_OPENED, SCOPE_CLOSED, ERROR, STOP

    }

    static class ThrowingHandler implements ObservationHandler<InferenceObservationContext> {

        private final Callback callback;

        ThrowingHandler(Callback callback) {
            this.callback = callback;
        }

        @Override
        public void onStart(InferenceObservationContext context) {
            fail(Callback.START);
        }

        @Override
        public void onScopeOpened(InferenceObservationContext context) {
            fail(Callback.SCOPE_OPENED);
        }

        @Override
        public void onScopeClosed(InferenceObservationContext context) {
            fail(Callback.SCOPE_CLOSED);
        }

        @Override
        public void onError(InferenceObservationContext context) {
            fail(Callback.ERROR);
        }

        @Override
        public void onStop(InferenceObservationContext context) {
            fail(Callback.STOP);
        }

        private void fail(Callback callback) {
            if (this.callback == callback) {
                throw new IllegalStateException("broken handler on " + callback);
            }
        }

        @Override
        public boolean supportsContext(Observation.Context context) {
            return context instanceof InferenceObservationContext;
        }

    }

    static class Unprintable {

        @Override
        public String toString() {
            throw new IllegalStateException("no string form");
        }

    }

    static class Models {

        @TracedInference(model = "gpt-4o")
        public String chat(String first, Object second) {
            return first;
        }

        @TracedInference(model = "gpt-4o")
        public CompletableFuture<Object> async() {
            return new CompletableFuture<>();
        }

        @TracedInference(model = "gpt-4o")
        public Mono<Map<String, Object>> mono() {
            return Mono.empty();
        }

        @TracedInference(model = "gpt-4o")
        public Flux<Map<String, Object>> flux() {
            return Flux.empty();
        }

    }

}
