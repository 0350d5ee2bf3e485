package io.inferlens.inference;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.inferlens.observation.TraceContextResolver;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link InferenceRecordPublisher}: one record per model call, priced, with its
 * trace, handed to every listener whatever the others do.
 *
 * @author Inferlens
 */
@ExtendWith(OutputCaptureExtension.class)
class InferenceRecordPublisherTests {

    private static final Map<String, Object> RESPONSE = Map.of("model", "sim-small-2026", "usage",
            Map.of("prompt_tokens", 1000, "completion_tokens", 500));

    private final List<InferenceRecord> records = new CopyOnWriteArrayList<>();

    private final ObservationRegistry registry = ObservationRegistry.create();

    private final PriceTable prices = new PriceTable(Map.of("sim-small", ModelPrice.of(0.15, 0.6)));

    private final InferenceRecorder recorder = new InferenceRecorder(this.registry, null,
            new TokenUsageExtractors(TokenUsageExtractors.builtIn()), ContentCapture.DISABLED, "openai",
            CacheMetrics.NONE);

    private void publishTo(TraceContextResolver traceContext, InferenceRecordListener... listeners) {
        this.registry.observationConfig()
            .observationHandler(new InferenceRecordPublisher(this.prices, traceContext, () -> List.of(listeners)));
    }

    @Test
    void oneRecordPerCallPricedWithItsTraceAndKeyValuesWithoutErrorType() throws Exception {
        publishTo(() -> new TraceContextResolver.TraceIds("trace-1", "span-1", true), this.records::add);
        this.recorder.observe("chat", null, "sim-small", () -> RESPONSE);
        assertThat(this.records).singleElement().satisfies((record) -> {
            assertThat(record.operation()).isEqualTo("chat");
            assertThat(record.provider()).isEqualTo("openai");
            assertThat(record.requestModel()).isEqualTo("sim-small");
            assertThat(record.responseModel()).isEqualTo("sim-small-2026");
            assertThat(record.model()).isEqualTo("sim-small");
            assertThat(record.usage().inputTokens()).isEqualTo(1000);
            assertThat(record.usage().outputTokens()).isEqualTo(500);
            // 1000 x 0.15 + 500 x 0.6, per million
            assertThat(record.cost()).isCloseTo(0.00045, within(1e-12));
            assertThat(record.failed()).isFalse();
            assertThat(record.source()).isEqualTo(InferenceRecord.Source.RECORDER);
            assertThat(record.traceId()).isEqualTo("trace-1");
            assertThat(record.spanId()).isEqualTo("span-1");
            assertThat(record.sampled()).isTrue();
            assertThat(record.duration()).isPositive();
            assertThat(record.keyValues()).extracting(KeyValue::getKey)
                .containsExactlyInAnyOrder("gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.request.model",
                        "gen_ai.response.model");
        });
    }

    @Test
    void failedCallHasItsErrorTypeButNotAmongItsKeyValues() {
        publishTo(TraceContextResolver.MDC_KEYS, this.records::add);
        assertThatIllegalStateException().isThrownBy(() -> this.recorder.observe("chat", null, "sim-small", () -> {
            throw new IllegalStateException("down");
        }));
        assertThat(this.records).singleElement().satisfies((record) -> {
            assertThat(record.errorType()).isEqualTo(IllegalStateException.class.getName());
            assertThat(record.hasCost()).isFalse();
            assertThat(record.traceId()).isNull();
            assertThat(record.sampled()).isFalse();
            assertThat(record.keyValues()).extracting(KeyValue::getKey).doesNotContain("error.type");
        });
    }

    @Test
    void unpricedModelHasNoCost() throws Exception {
        publishTo(TraceContextResolver.MDC_KEYS, this.records::add);
        this.recorder.observe("chat", null, "mystery", () -> Map.of("usage", Map.of("prompt_tokens", 5)));
        assertThat(this.records).singleElement().satisfies((record) -> {
            assertThat(record.hasCost()).isFalse();
            assertThat(record.cost()).isNaN();
        });
    }

    @Test
    void cancelledStreamIsRecordedOnceAsCancelledWithItsTimeToFirstChunk() {
        publishTo(TraceContextResolver.MDC_KEYS, this.records::add);
        Inference inference = this.recorder.start("chat", null, "sim-small");
        Flux.interval(Duration.ofMillis(5))
            .doOnNext(inference::chunk)
            .doOnCancel(inference::cancelled)
            .take(2)
            .blockLast(Duration.ofSeconds(5));
        inference.stop();
        inference.stop();
        assertThat(this.records).singleElement().satisfies((record) -> {
            assertThat(record.streaming()).isTrue();
            assertThat(record.cancelled()).isTrue();
            assertThat(record.timeToFirstChunk()).isNotNull();
        });
    }

    @Test
    void failingListenerIsLoggedOnceAndSkippedAndTheOthersStillGetTheRecord(CapturedOutput output) throws Exception {
        AtomicInteger calls = new AtomicInteger();
        InferenceRecordListener failing = (record) -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener down");
        };
        publishTo(TraceContextResolver.MDC_KEYS, failing, this.records::add);
        this.recorder.observe("chat", null, "sim-small", () -> RESPONSE);
        this.recorder.observe("chat", null, "sim-small", () -> RESPONSE);
        assertThat(calls).hasValue(2);
        assertThat(this.records).hasSize(2);
        assertThat(output).containsOnlyOnce("listener down");
    }

    @Test
    void listenersAreAskedForOnceWhenTheFirstRecordIsPublished() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        this.registry.observationConfig()
            .observationHandler(new InferenceRecordPublisher(this.prices, TraceContextResolver.MDC_KEYS, () -> {
                lookups.incrementAndGet();
                return List.of(this.records::add);
            }));
        assertThat(lookups).hasValue(0);
        this.recorder.observe("chat", null, "sim-small", () -> RESPONSE);
        this.recorder.observe("chat", null, "sim-small", () -> RESPONSE);
        assertThat(lookups).hasValue(1);
        assertThat(this.records).hasSize(2);
    }

}
